"""The address forms in Chromium: after a failed submission the error summary has the focus, its
links take the shopper to the field, and the checkout and address book look alike."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import sign_in
from tests.catalog.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lamp():
    return ProductFactory(name="Desk lamp", slug="desk-lamp", price=Decimal("79.00"), stock=4)


def add_lamp_to_cart(page, base: str) -> None:
    page.goto(base + "/p/desk-lamp/")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-count")).to_have_text("1")


def test_a_failed_checkout_focuses_the_summary_and_its_links_reach_the_fields(
    live_server, page, lamp
):
    UserFactory(email="ada@example.com")
    base = live_server.url
    sign_in(page, base)
    add_lamp_to_cart(page, base)
    page.goto(base + "/checkout/")
    page.get_by_label("Full name").fill("Ada Lovelace")

    page.get_by_role("button", name="Place order · €79.00").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Checkout · Microstore")
    links = summary.get_by_role("link")
    missing = ["Enter the first line of the address", "Enter the postal code", "Enter the city"]
    expect(links).to_have_text([*missing, "Choose a country"])
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Address line 1")).to_be_focused()
    expect(page.get_by_label("Full name")).to_have_value("Ada Lovelace")  # kept, not retyped


def test_a_failed_new_address_focuses_the_summary_too(live_server, page):
    UserFactory(email="ada@example.com")
    base = live_server.url
    sign_in(page, base, next_path="/account/addresses/new/")

    page.get_by_role("button", name="Add address").click()

    expect(page.locator("#error-summary")).to_be_focused()
    page.locator("#error-summary").get_by_role("link", name="Choose a country").click()
    expect(page.get_by_label("Country")).to_be_focused()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_address_forms_with_errors_look_right(live_server, page, shot, lamp, width, scheme):
    UserFactory(email="ada@example.com")
    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(base + "/checkout/")
    expect(page.get_by_text("Sign in or create an account to check out")).to_be_visible()
    shot(f"forms-sign-in-for-checkout-{width}-{scheme}")
    sign_in(page, base)
    add_lamp_to_cart(page, base)
    page.goto(base + "/checkout/")
    shot(f"forms-checkout-{width}-{scheme}")
    page.get_by_role("button", name="Place order · €79.00").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"forms-checkout-errors-{width}-{scheme}")
    page.goto(base + "/account/addresses/new/")
    page.get_by_label("Label").fill("Home")
    page.get_by_role("button", name="Add address").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"forms-address-errors-{width}-{scheme}")
