"""The cart in Chromium: add from the product page with HTMX (the header's count follows without
a reload) and without JavaScript; the cart page empty, full and flagged, phone and desktop,
light and dark."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from apps.catalog.models import Product, Stock
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 1280]
SCHEMES = ["light", "dark"]
PICTURES = "cart-browser"


def picture(name: str, colour: tuple[int, int, int]) -> str:
    """A small product picture under MEDIA_ROOT (removed by the `shop` fixture)."""
    folder = Path(settings.MEDIA_ROOT) / PICTURES
    folder.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (400, 400), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 110, 290, 290), fill=tuple(min(c + 60, 255) for c in colour))
    image.save(folder / f"{name}.png")
    return f"{PICTURES}/{name}.png"


@pytest.fixture
def shop():
    home = CategoryFactory(name="Home", slug="home")
    products = {
        "lamp": ProductFactory(
            name="Brass desk lamp", slug="brass-desk-lamp", category=home, price=Decimal("79.00"),
            stock=4, image=picture("lamp", (180, 140, 60)),
        ),
        "mug": ProductFactory(
            name="Stoneware mug", slug="stoneware-mug", category=home, price=Decimal("14.50"),
            stock=30, image=picture("mug", (70, 110, 160)),
        ),
        "throw": ProductFactory(
            name="Wool throw blanket, extra large", slug="wool-throw", category=home,
            price=Decimal("129.00"), stock=6,
        ),
    }  # fmt: skip
    yield products
    shutil.rmtree(Path(settings.MEDIA_ROOT) / PICTURES, ignore_errors=True)


def open_page(page, url: str, width: int = 1280, scheme: str = "light") -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(url)


def add(page, base: str, slug: str, quantity: int = 1) -> None:
    page.goto(f"{base}/p/{slug}/")
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".added")).to_contain_text("Added to cart ✓")


def test_adding_with_htmx_updates_the_header_count_without_a_reload(
    live_server, page, shop, csp_violations
):
    open_page(page, f"{live_server.url}/p/brass-desk-lamp/")
    expect(page.locator("#cart-count")).to_have_text("0")
    page.evaluate("window.__marker = 'same page'")

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()

    expect(page.locator(".added")).to_have_text("Added to cart ✓ — View cart")
    expect(page.locator("#cart-count")).to_have_text("2")
    page.get_by_role("button", name="Add to cart").click()  # the form is back for more
    expect(page.locator("#cart-count")).to_have_text("3")
    assert page.evaluate("window.__marker") == "same page"
    assert page.url == f"{live_server.url}/p/brass-desk-lamp/"
    assert csp_violations == []
    page.get_by_role("link", name="View cart").click()
    expect(page.locator(".cart-line")).to_have_count(1)


def test_the_cart_page_updates_in_place(live_server, page, shop, csp_violations):
    open_page(page, live_server.url)
    add(page, live_server.url, "stoneware-mug", 2)
    add(page, live_server.url, "brass-desk-lamp")
    page.goto(f"{live_server.url}/cart/")
    page.evaluate("window.__marker = 'same page'")

    page.get_by_label("Quantity of Stoneware mug").fill("4")
    page.get_by_role("button", name="Update Stoneware mug").click()

    expect(page.locator(".cart-status")).to_have_text("Stoneware mug: your cart now holds 4.")
    expect(page.locator(".cart-subtotal dd")).to_have_text("€137.00")
    expect(page.locator("#cart-count")).to_have_text("5")
    page.get_by_role("button", name="Remove Brass desk lamp").click()
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator("#cart-count")).to_have_text("4")
    assert page.evaluate("window.__marker") == "same page"
    assert csp_violations == []


def test_the_cart_works_without_javascript(live_server, browser, shop):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/p/stoneware-mug/")

    page.get_by_role("button", name="Add to cart").click()

    page.wait_for_url(f"{live_server.url}/cart/")
    expect(page.locator(".message")).to_have_text("Added 1 × Stoneware mug to your cart.")
    expect(page.locator("#cart-count")).to_have_text("1")
    page.get_by_label("Quantity of Stoneware mug").fill("3")
    page.get_by_role("button", name="Update Stoneware mug").click()
    expect(page.locator(".cart-subtotal dd")).to_have_text("€43.50")
    page.get_by_role("button", name="Empty cart").click()
    expect(page.get_by_role("heading", name="Your cart is empty")).to_be_visible()
    context.close()


def fill_cart(page, base: str) -> None:
    add(page, base, "brass-desk-lamp", 2)
    add(page, base, "stoneware-mug", 3)
    add(page, base, "wool-throw", 5)


def flag_lines(shop) -> None:
    """Lamp: the price went up. Throw: only 2 left of 5 (capped). Mug: sold out (blocking)."""
    Product.objects.filter(pk=shop["lamp"].pk).update(price=Decimal("84.00"))
    Stock.objects.filter(pk=shop["throw"].pk).update(on_hand=2)
    Stock.objects.filter(pk=shop["mug"].pk).update(on_hand=0)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_cart_page_looks_right(live_server, page, shot, shop, csp_violations, width, scheme):
    open_page(page, f"{live_server.url}/cart/", width, scheme)
    expect(page.get_by_role("heading", name="Your cart is empty")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"cart-empty-{width}-{scheme}")

    fill_cart(page, live_server.url)
    page.goto(f"{live_server.url}/cart/")
    expect(page.locator(".cart-line")).to_have_count(3)
    expect(page.locator(".cart-checkout")).to_have_attribute("href", "/checkout/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"cart-full-{width}-{scheme}")

    flag_lines(shop)
    page.reload()
    expect(page.locator(".cart-line.is-blocked")).to_contain_text(
        "No longer available — remove it to check out"
    )
    expect(page.locator(".cart-price-was")).to_have_text("was €79.00")
    expect(page.get_by_role("button", name="Checkout")).to_be_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"cart-flagged-{width}-{scheme}")
    assert csp_violations == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_product_page_buy_box(live_server, page, shot, shop, width):
    open_page(page, f"{live_server.url}/p/brass-desk-lamp/", width)
    shot(f"cart-product-{width}-light")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".added")).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("1")
    shot(f"cart-product-added-{width}-light")
    Stock.objects.filter(pk=shop["mug"].pk).update(on_hand=0)
    open_page(page, f"{live_server.url}/p/stoneware-mug/", width, "dark")
    expect(page.get_by_role("button", name="Out of stock")).to_be_disabled()
    shot(f"cart-product-sold-out-{width}-dark")
