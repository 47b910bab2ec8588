"""The information pages shoppers need (contact, shipping, returns, privacy, terms): linked from
every page's footer, in the shop's layout, edited by staff, seeded in a fresh shop."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db import connection

from microstore.infopages import INFO_PAGES, seed_info_pages

pytestmark = pytest.mark.django_db

FOOTER = re.compile(r'<footer class="site-footer">.*</footer>', re.DOTALL)


def footer_links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', FOOTER.search(html).group(0))


def test_the_footer_links_every_information_page_and_not_the_status_page(client):
    html = client.get("/").content.decode()

    assert footer_links(html) == [
        ("/pages/contact/", "Contact"),
        ("/pages/shipping/", "Shipping"),
        ("/pages/returns/", "Returns"),
        ("/pages/privacy/", "Privacy"),
        ("/pages/terms/", "Terms"),
        ("/api/docs/", "API for developers"),
    ]
    assert "/health/" not in FOOTER.search(html).group(0)
    assert client.get("/health/").status_code == 200  # still there, for operators


def test_an_information_page_is_in_the_shop_layout_with_proper_headings(client):
    seed_info_pages()

    response = client.get("/pages/shipping/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Shipping · Microstore</title>" in html
    assert re.findall(r"<h(\d)[^>]*>([^<]+)</h\1>", html.split('id="main"')[1]) == [
        ("1", "Shipping"),
        ("2", "Costs"),
        ("2", "Delivery times"),
        ("2", "Tracking"),
    ]
    for layout in ('class="site-header"', 'class="site-footer"', 'id="cart-count"'):
        assert layout in html


def test_a_page_staff_edit_keeps_their_words_when_seeded_again(client):
    seed_info_pages()
    FlatPage.objects.filter(url="/pages/contact/").update(
        title="Talk to us", content="<p>Ring the bell.</p>"
    )

    assert seed_info_pages() == 0

    html = client.get("/pages/contact/").content.decode()
    assert '<h1 id="info-title">Talk to us</h1>' in html
    assert "<p>Ring the bell.</p>" in html
    assert FlatPage.objects.count() == len(INFO_PAGES)


def test_a_page_that_does_not_exist_is_the_shops_404(client):
    seed_info_pages()

    response = client.get("/pages/nowhere/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_staff_edit_the_pages_in_the_admin(admin_client):
    seed_info_pages()
    page = FlatPage.objects.get(url="/pages/returns/")

    assert admin_client.get("/admin/flatpages/flatpage/").status_code == 200
    response = admin_client.get(f"/admin/flatpages/flatpage/{page.pk}/change/")
    assert response.status_code == 200
    assert "Returns and refunds" in response.content.decode()


def test_a_fresh_shop_gets_the_pages_and_a_site_named_after_it_from_its_migration(settings):
    settings.SITE_URL = "https://shop.example.com"
    FlatPage.objects.all().delete()
    Site.objects.all().delete()
    Site.objects.create(pk=settings.SITE_ID, domain="example.com", name="example.com")
    migration = importlib.import_module("microstore.migrations.0001_info_pages")

    migration.seed(apps, SimpleNamespace(connection=connection))

    assert sorted(FlatPage.objects.values_list("url", flat=True)) == sorted(
        page.url for page in INFO_PAGES
    )
    site = Site.objects.get()
    assert (site.domain, site.name) == ("shop.example.com", "Microstore")
    assert list(FlatPage.objects.get(url="/pages/terms/").sites.all()) == [site]


def test_seed_demo_adds_the_pages_once(capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    FlatPage.objects.all().delete()

    call_command("seed_demo", "--no-images")
    call_command("seed_demo", "--no-images")

    first, second = capsys.readouterr().out.split("Demo shop ready")[1:]
    assert "5 new information pages" in first
    assert "0 new information pages" in second
    assert FlatPage.objects.count() == 5
