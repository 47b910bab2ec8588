"""A service that is down, in Chromium: the 503 page in the shop's layout, and the sentence an
HTMX request gets in the error region. The catalog is bound to a URL where nothing listens."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.cart.models import CartLine
from microstore.views import UNAVAILABLE
from tests.microstore.remotes import bound_to, dead_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_the_lamp(page, base: str) -> None:
    page.goto(f"{base}/p/brass-desk-lamp/")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".added")).to_contain_text("Added to cart ✓")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_cart_page_says_the_shop_is_partly_unavailable(
    live_server, page, shot, lamp, csp_violations, width, scheme
):
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    add_the_lamp(page, live_server.url)

    with bound_to("catalog", dead_url()):
        answer = page.goto(f"{live_server.url}/cart/")
        assert answer is not None
        assert answer.status == 503
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "This part of the shop is unavailable right now"
        )
        expect(page.locator("#cart-count")).to_have_text("1")  # the cart itself still answers
        shot(f"unavailable-{width}-{scheme}")
        page.get_by_role("link", name="Try again").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "This part of the shop is unavailable right now"
        )

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Try again").click()  # bound again: the cart is back
    expect(page.get_by_role("link", name="Brass desk lamp")).to_be_visible()
    assert csp_violations == []


def test_an_htmx_add_while_the_catalog_is_down_says_so_and_adds_nothing(
    live_server, page, shot, lamp
):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/p/brass-desk-lamp/")

    with bound_to("catalog", dead_url()):
        with page.expect_response(f"{live_server.url}/cart/add/") as answer:
            page.get_by_role("button", name="Add to cart").click()
        assert answer.value.status == 503
        expect(page.locator("#request-error p")).to_have_text(UNAVAILABLE)
        shot("unavailable-htmx-390")

    assert CartLine.objects.count() == 0
    page.get_by_role("button", name="Dismiss").click()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".added")).to_contain_text("Added to cart ✓")
