"""A fresh shop starts with its information pages, on a Site named after SITE_URL/SITE_NAME
(instead of sites' own `example.com`, which allauth would otherwise read).

In the split topology only the database holding flatpages and sites (accounts') is written."""

from django.db import migrations, router


def seed(apps, schema_editor):
    from microstore.infopages import seed_info_pages, site_values

    site_model = apps.get_model("sites", "Site")
    flatpage_model = apps.get_model("flatpages", "FlatPage")
    using = schema_editor.connection.alias
    if not (
        router.allow_migrate_model(using, site_model)
        and router.allow_migrate_model(using, flatpage_model)
    ):
        return
    seed_info_pages(flatpage_model, site_model, using=using)
    site_model.objects.using(using).filter(domain="example.com").update(**site_values())


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0002_alter_domain_unique"),
        ("flatpages", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
