"""The checkout in Chromium: signed in, add to cart, check out to a saved address, pay on the
fake gateway's pay page with Stripe's test card, see the order held, then paid once the worker
delivers the payment event; history and detail pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.orders.models import Order
from tests.accounts.factories import AddressFactory, UserFactory
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shopper():
    user = UserFactory(email="ada@example.com")
    AddressFactory(user=user, label="Home", is_default=True)
    AddressFactory(
        user=user,
        label="Work",
        line1="221B Baker Street",
        city="London",
        postal_code="NW1 6XE",
        country="GB",
    )
    return user


def pay_with_card(page, number: str) -> None:
    """Fill the fake gateway's card form (Stripe test mode's cards) and pay."""
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Ada Lovelace")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()  # not "Cancel this payment"


def test_a_shopper_checks_out_and_sees_the_order_paid(
    live_server, page, shot, shopper, lamp, drain_tasks
):
    base = live_server.url
    sign_in(page, base)
    page.goto(base + "/p/brass-desk-lamp/")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-count")).to_have_text("1")

    page.goto(base + "/checkout/")
    expect(page.get_by_text("Place order · €79.00")).to_be_visible()
    shot("orders-checkout-1280-light")
    page.get_by_role("button", name="Place order · €79.00").click()

    order = Order.objects.get()
    page.wait_for_url(f"{base}/pay/**")
    expect(page.get_by_text("Test mode — use card 4242")).to_be_visible()
    pay_with_card(page, "4242 4242 4242 4242")
    page.wait_for_url(f"{base}/orders/{order.number}/")
    expect(page.locator(".status")).to_have_text("Pending payment")
    shot("orders-confirmation-1280-light")

    drain_tasks()  # the worker delivers PaymentSucceeded
    expect(page.locator(".status")).to_have_text("Paid", timeout=10_000)  # the page polled
    expect(page.locator("#cart-count")).to_have_text("0")
    order.refresh_from_db()
    assert order.status == "paid"


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_order_pages_look_right(live_server, page, shot, shopper, lamp, width, scheme, drain_tasks):
    from apps.orders.services.checkout import order_place
    from contracts.orders.dto import ShippingAddressDTO
    from contracts.payments.dto import PaymentCustomer

    base = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    sign_in(page, base)
    page.goto(base + "/p/brass-desk-lamp/")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-count")).to_have_text("1")
    page.goto(base + "/checkout/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"orders-checkout-{width}-{scheme}")
    page.get_by_role("button", name="Place order · €79.00").click()
    page.wait_for_url(f"{base}/pay/**")
    pay_with_card(page, "4242 4242 4242 4242")
    page.wait_for_url(f"{base}/orders/**")
    drain_tasks()
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"orders-detail-{width}-{scheme}")
    address = ShippingAddressDTO("Ada Lovelace", "1 Main St", "", "Lyon", "69001", "", "FR", "")
    from contracts.kernel.registry import registry
    from tests.orders.fakes import FakeCart  # a second order, placed directly, for the history

    fake = FakeCart()
    fake.put(shopper.pk, lamp.pk, 2)
    with registry.override("cart", fake):
        order_place(
            customer=PaymentCustomer(shopper.pk, shopper.email, "Ada"),
            address=address,
            idempotency_key="history-second-order",
        )
    page.goto(base + "/orders/")
    expect(page.locator(".data-table tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"orders-history-{width}-{scheme}")
