"""Keyboard and screen-reader use in Chromium: a focus ring plain to see in both themes, a way
past the filters to the results, the focus kept after "Add to cart", a cart link named with
its count."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.catalog.models import Stock
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the focused element's ring is drawn with, and what lies behind the ring (the nearest
# ancestor with a background of its own).
RING = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let behind = element.parentElement, background = "rgba(0, 0, 0, 0)";
  while (behind && (background = getComputedStyle(behind).backgroundColor) === "rgba(0, 0, 0, 0)") {
    behind = behind.parentElement;
  }
  return {
    element: element.outerHTML.slice(0, 60), style: style.outlineStyle,
    width: parseFloat(style.outlineWidth), color: style.outlineColor, behind: background,
    page: getComputedStyle(document.body).backgroundColor,
  };
}"""


def channels(colour: str, under: str = "rgb(255, 255, 255)") -> list[float]:
    """sRGB channels 0..1 of a computed colour, `rgb(…)` or `color(srgb …)`, laid over
    `under` when it is translucent (the sticky header is)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    rgb = numbers[:3] if colour.startswith("color(") else [n / 255 for n in numbers[:3]]
    alpha = numbers[3] if len(numbers) > 3 else 1.0
    if alpha >= 1:
        return rgb
    return [alpha * c + (1 - alpha) * b for c, b in zip(rgb, channels(under), strict=True)]


def luminance(colour: list[float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in colour]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(ring: dict) -> float:
    one, other = channels(ring["color"]), channels(ring["behind"], ring["page"])
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def shelf():
    lighting = CategoryFactory(name="Lighting", slug="lighting")
    for n in range(3):
        ProductFactory(name=f"Lamp {n}", slug=f"lamp-{n}", category=lighting)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_focused_control_has_a_solid_ring_that_stands_out(live_server, page, shelf, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{live_server.url}/products/")
    rings = []
    for _ in range(20):  # header, theme switch, cart, filters, categories, product cards
        page.keyboard.press("Tab")
        rings.append(page.evaluate(RING))

    weak = [
        ring
        for ring in rings
        if ring["style"] != "solid" or ring["width"] < 2 or contrast(ring) < 3
    ]
    assert weak == []
    assert any("id_q" in ring["element"] for ring in rings)  # the search field was among them


def test_a_keyboard_user_can_skip_the_filters_to_the_results(live_server, page, shelf):
    page.goto(f"{live_server.url}/products/")
    skip = page.get_by_role("link", name="Skip to results")
    skip.focus()
    expect(skip).to_be_visible()  # shown once it has the focus

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "results"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "product-card-link"
    expect(page.locator(":focus")).to_contain_text("Lamp")


def test_the_skip_link_stays_out_of_sight_until_focused(live_server, page, shelf):
    page.goto(f"{live_server.url}/products/")
    box = page.get_by_role("link", name="Skip to results").bounding_box()
    assert box is not None
    assert (box["width"], box["height"]) == (1, 1)


def test_after_adding_with_the_keyboard_the_focus_stays_on_the_button(live_server, page, lamp):
    page.set_viewport_size({"width": 390, "height": 700})  # the button is below the fold
    page.goto(f"{live_server.url}/p/brass-desk-lamp/")
    page.get_by_label("Quantity").fill("2")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Add to cart"
    scrolled = page.evaluate("window.scrollY")

    page.keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="Added to cart ✓")).to_be_visible()
    expect(page.locator("#cart-count")).to_have_text("2")
    assert page.evaluate("document.activeElement.id") == "add-to-cart-button"
    assert page.evaluate("window.scrollY") == scrolled
    page.keyboard.press("Enter")  # and again, without reaching for the mouse
    expect(page.locator("#cart-count")).to_have_text("3")


def test_when_the_last_one_sells_the_focus_moves_to_what_happened(live_server, page, lamp):
    page.goto(f"{live_server.url}/p/brass-desk-lamp/")
    Stock.objects.filter(pk=lamp.pk).update(on_hand=0)
    page.get_by_role("button", name="Add to cart").focus()

    page.keyboard.press("Enter")

    expect(page.get_by_role("button", name="Out of stock")).to_be_disabled()
    # The swap lands first and the focus moves on the next tick: wait for it, not a fixed time.
    expect(page.locator("#add-to-cart-status")).to_be_focused()
    expect(page.locator("#add-to-cart-status")).to_have_text("Brass desk lamp is sold out.")


def test_the_header_cart_link_is_named_with_the_count_it_shows(live_server, page, lamp):
    page.goto(f"{live_server.url}/p/brass-desk-lamp/")
    expect(page.get_by_role("link", name="Cart, 0 items", exact=True)).to_be_visible()

    page.get_by_role("button", name="Add to cart").click()

    expect(page.get_by_role("link", name="Cart, 1 item", exact=True)).to_be_visible()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("link", name="Cart, 2 items", exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name="Cart, 2 items", exact=True)).to_be_visible()
