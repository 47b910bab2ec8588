"""The catalog in Chromium: search as you type updates in place and the URL; phone, desktop."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop():
    lamps = CategoryFactory(name="Lighting", slug="lighting")
    mugs = CategoryFactory(name="Mugs", slug="mugs")
    ProductFactory(name="Brass desk lamp", category=lamps, price=Decimal("79.00"), stock=2,
                   is_featured=True)  # fmt: skip
    ProductFactory(name="Paper pendant", category=lamps, price=Decimal("29.00"), stock=0)
    for n in range(6):
        ProductFactory(name=f"Stoneware mug {n}", category=mugs, price=Decimal("14.00") + n,
                       is_featured=n < 3)  # fmt: skip


def test_search_as_you_type_updates_the_list_in_place_and_the_address(live_server, page, shop):
    page.goto(live_server.url + "/products/")
    expect(page.locator(".results-count")).to_have_text("8 products")
    page.evaluate("window.__marker = 'same page'")

    page.fill("#id_q", "lamp")

    expect(page.locator(".results-count")).to_contain_text("1 result for")
    expect(page).to_have_url(live_server.url + "/products/?q=lamp")
    assert page.evaluate("window.__marker") == "same page"  # swapped in place, not reloaded


def test_filters_work_without_javascript(live_server, browser, shop):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/products/?sort=-price")
    page.fill("#id_max_price", "20")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**max_price=20**")
    expect(page.locator(".results-count")).to_have_text("6 products")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_catalog_pages_look_right(live_server, page, shot, shop, width, scheme):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    for name, path in [("home", "/"), ("list", "/products/?q=mug&sort=price")]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(f"catalog-{name}-{width}-{scheme}")
    page.locator(".product-card a").first.click()
    expect(page.locator(".product-price")).to_be_visible()
    shot(f"catalog-product-{width}-{scheme}")
