"""A fresh shop starts with its information pages, on a Site named after SITE_URL/SITE_NAME
(instead of sites' own `example.com`, which allauth would otherwise read)."""

from django.db import migrations


def seed(apps, schema_editor):
    from microstore.infopages import seed_info_pages, site_values

    site_model = apps.get_model("sites", "Site")
    seed_info_pages(apps.get_model("flatpages", "FlatPage"), site_model)
    site_model.objects.filter(domain="example.com").update(**site_values())


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0002_alter_domain_unique"),
        ("flatpages", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
