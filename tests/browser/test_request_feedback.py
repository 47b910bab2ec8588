"""What a shopper is told when an HTMX request fails (a stale session, an error answer, no
network); in Chromium, on the product page's "Add to cart"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.cart.models import CartLine
from microstore.views import SESSION_CHANGED
from tests.accounts.factories import UserFactory
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "scheme"), [(390, "dark"), (1280, "light")])
def test_a_stale_session_tells_the_shopper_to_reload_and_adds_nothing(
    live_server, page, shot, lamp, width, scheme
):
    UserFactory(email="ada@example.com")
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    product_url = f"{live_server.url}/p/brass-desk-lamp/"
    page.goto(product_url)
    other_tab = page.context.new_page()
    sign_in(other_tab, live_server.url, "ada@example.com")  # rotates the CSRF token
    other_tab.close()

    with page.expect_response(f"{live_server.url}/cart/add/") as answer:
        page.get_by_role("button", name="Add to cart").click()

    assert answer.value.status == 403
    region = page.locator("#request-error")
    expect(region).to_have_attribute("aria-live", "polite")  # a live region, read out politely
    expect(region.locator("p")).to_have_text(SESSION_CHANGED)
    expect(page.locator("#cart-count")).to_have_text("0")
    assert CartLine.objects.count() == 0
    shot(f"request-error-{width}-{scheme}")

    with page.expect_navigation():
        region.get_by_role("button", name="Reload the page").click()
    expect(region).to_be_empty()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".added")).to_contain_text("Added to cart ✓")
    assert CartLine.objects.count() == 1


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        ("abort", "We could not reach the shop. Check your connection, then try again."),
        (500, "Something went wrong on our side. Try again in a moment, or reload the page."),
        (429, "Too many requests at once — wait a moment, then try again."),
        (404, "This page is out of date — reload the page and try again."),
    ],
)
def test_a_failed_request_says_what_happened(live_server, page, lamp, failure, said):
    page.goto(f"{live_server.url}/p/brass-desk-lamp/")
    if failure == "abort":
        page.route("**/cart/add/", lambda route: route.abort("internetdisconnected"))
    else:
        page.route(
            "**/cart/add/",
            lambda route: route.fulfill(status=failure, content_type="text/html", body="<p>x"),
        )

    page.get_by_role("button", name="Add to cart").click()

    expect(page.locator("#request-error p")).to_have_text(said)
    page.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#request-error")).to_be_empty()
    assert CartLine.objects.count() == 0
