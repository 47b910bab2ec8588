"""The order page of a partially refunded order, at both widths and themes, in Chromium."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.orders.handlers import on_payment_refunded
from apps.orders.models import Order
from contracts.kernel.money import Money
from contracts.payments.events import PaymentRefunded
from tests.accounts.factories import UserFactory
from tests.browser.helpers import sign_in
from tests.catalog.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_partially_refunded_order_looks_right(live_server, page, shot, width, scheme):
    from apps.orders.services.checkout import order_place
    from apps.orders.services.lifecycle import order_transition
    from contracts.kernel.registry import registry
    from contracts.orders.dto import OrderStatus, ShippingAddressDTO
    from contracts.payments.dto import PaymentCustomer
    from tests.orders.fakes import FakeCart

    user = UserFactory(email="ada@example.com")
    lamp = ProductFactory(name="Brass desk lamp", price=Decimal("79.00"), stock=4)
    cart = FakeCart()
    cart.put(user.pk, lamp.pk, 1)
    address = ShippingAddressDTO("Ada Lovelace", "1 Main St", "", "Lyon", "69001", "", "FR", "")
    with registry.override("cart", cart):
        order = order_place(customer=PaymentCustomer(user.pk, user.email, "Ada"),
                            address=address, idempotency_key="refund-look")  # fmt: skip
    order_transition(number=order.number, to=OrderStatus.PAID, actor="payments")
    for amount in ("10.00", "5.50"):
        on_payment_refunded(PaymentRefunded(order_ref=order.number, payment_ref=order.payment_ref,
                                            amount=Money(Decimal(amount), "EUR"),
                                            fully_refunded=False))  # fmt: skip
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/orders/{order.number}/")
    notice = page.get_by_role("region", name="Partially refunded")
    expect(notice).to_contain_text("Partially refunded €15.50 of €79.00 on")
    expect(notice).to_contain_text("€63.50 stays paid")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"orders-partially-refunded-{width}-{scheme}")
    page.goto(f"{live_server.url}/orders/")
    expect(page.get_by_text("€15.50 refunded")).to_be_visible()
    shot(f"orders-list-partially-refunded-{width}-{scheme}")
    assert Order.objects.get().status == "paid"
