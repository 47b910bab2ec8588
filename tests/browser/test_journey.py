"""The whole journey in Chromium, as a new shopper lives it: sign up on the real allauth page,
verify the email from the link in the mail, browse, add to cart, check out, see the test card
declined, try another card at once on the same pay page, and watch the order turn paid once the
worker runs. One screenshot per step (artifacts/screenshots/journey-NN-*.png), plus the pay page
at both widths and themes. The steps are tests/browser/journey.py's: the split shop walks them
too (test_split_journey.py)."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from apps.orders.models import Order
from apps.payments.models import Payment
from tests.browser import journey
from tests.browser.helpers import sign_in
from tests.browser.test_checkout_journey import pay_with_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EMAIL = "grace@example.com"


class DrainedOutbox:
    """The journey's mailbox in one process: what Django's test outbox holds once the queued
    tasks (the verification email's sending among them) ran."""

    def __init__(self, drain_tasks) -> None:
        self.drain_tasks = drain_tasks

    def texts_to(self, address: str) -> list[str]:
        self.drain_tasks()
        return [str(m.body) for m in mail.outbox if address in m.to]


def test_sign_up_verify_buy_declined_retry_pay_and_see_it_paid(
    live_server, page, shot, lamp, drain_tasks
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme="light")
    journey.sign_up_and_verify(page, base, shot, DrainedOutbox(drain_tasks), EMAIL)
    journey.search_and_add_to_cart(page, base, shot, "desk lamp", "Brass desk lamp")
    journey.check_out_to_a_new_address(page, base, shot, "€79.00")
    order = Order.objects.get()

    def still_open() -> None:
        assert Payment.objects.count() == 1

    number = journey.pay_declined_then_accepted(page, base, shot, between=still_open)
    assert number == order.number
    journey.see_it_paid(page, shot, settle=drain_tasks)  # PaymentSucceeded reaches orders
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
