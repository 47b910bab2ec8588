"""The whole journey in Chromium, as a new shopper lives it: sign up on the real allauth page,
verify the email from the link in the mail, browse, add to cart, check out, see the test card
declined, try another card at once on the same pay page, and watch the order turn paid once the
worker runs. One screenshot per step (artifacts/screenshots/journey-NN-*.png), plus the pay page
at both widths and themes."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from apps.orders.models import Order
from apps.payments.models import Payment
from tests.accounts.factories import PASSWORD
from tests.browser.helpers import sign_in
from tests.browser.test_checkout_journey import pay_with_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EMAIL = "grace@example.com"


def verification_link(address: str) -> str:
    for message in mail.outbox:
        match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body)
        if address in message.to and match:
            return match.group(1)
    raise AssertionError(f"no verification email to {address}: {mail.outbox}")


def sign_up_and_verify(page, base: str, shot, drain_tasks) -> None:
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)", exact=True).fill(PASSWORD)
    shot("journey-01-sign-up")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(base + "/accounts/confirm-email/")
    shot("journey-02-verification-sent")

    drain_tasks()  # the worker sends the verification email
    page.goto(base + verification_link(EMAIL))
    shot("journey-03-confirm-email")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()


def test_sign_up_verify_buy_declined_retry_pay_and_see_it_paid(
    live_server, page, shot, lamp, drain_tasks
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme="light")
    sign_up_and_verify(page, base, shot, drain_tasks)
    expect(page.get_by_role("link", name="Account")).to_be_visible()  # verified and signed in

    page.goto(base + "/products/")
    shot("journey-04-browse")
    page.goto(base + "/p/brass-desk-lamp/")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-count")).to_have_text("1")
    shot("journey-05-added-to-cart")

    page.goto(base + "/checkout/")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Address line 1").fill("1 Navy Yard")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("Postal code").fill("22202")
    page.get_by_label("Country").select_option("US")
    shot("journey-06-checkout")
    page.get_by_role("button", name="Place order · €79.00").click()

    page.wait_for_url(f"{base}/pay/**")
    order = Order.objects.get()
    expect(page.get_by_text("Test mode — use card 4242")).to_be_visible()
    shot("journey-07-pay-page")
    pay_with_card(page, "4000 0000 0000 0002")
    expect(page.get_by_role("alert")).to_contain_text("declined the card")
    expect(page.get_by_label("Card number")).to_have_attribute("aria-invalid", "true")
    shot("journey-08-declined")

    # At once, on the same page, whatever the worker is doing: the payment is still open.
    assert Payment.objects.count() == 1
    shot("journey-09-pay-again")
    pay_with_card(page, "4242 4242 4242 4242")
    page.wait_for_url(f"{base}/orders/{order.number}/")
    expect(page.locator(".status")).to_have_text("Pending payment")
    shot("journey-10-order-pending")

    drain_tasks()  # PaymentSucceeded reaches orders
    expect(page.locator(".status")).to_have_text("Paid", timeout=10_000)  # the page polled
    shot("journey-11-order-paid")
    order.refresh_from_db()
    assert order.status == "paid"
    assert list(Payment.objects.values_list("status", flat=True)) == ["succeeded"]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_pay_page_looks_right(live_server, page, shot, lamp, width, scheme):
    from apps.orders.services.checkout import order_place
    from contracts.kernel.registry import registry
    from contracts.orders.dto import ShippingAddressDTO
    from contracts.payments.dto import PaymentCustomer
    from tests.accounts.factories import UserFactory
    from tests.orders.fakes import FakeCart

    user = UserFactory(email="ada@example.com")
    cart = FakeCart()
    cart.put(user.pk, lamp.pk, 1)
    address = ShippingAddressDTO("Ada Lovelace", "1 Main St", "", "Lyon", "69001", "", "FR", "")
    with registry.override("cart", cart):
        order = order_place(customer=PaymentCustomer(user.pk, user.email, "Ada"),
                            address=address, idempotency_key="pay-page-look")  # fmt: skip
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    sign_in(page, live_server.url)

    page.goto(live_server.url + order.pay_url)
    expect(page.get_by_role("button", name="Pay €79.00")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"payments-pay-{width}-{scheme}")
    pay_with_card(page, "4000 0000 0000 9995")
    expect(page.get_by_role("alert")).to_contain_text("not have enough funds")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"payments-declined-{width}-{scheme}")
