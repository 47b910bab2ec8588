"""Placing an order: the saga, its idempotency and what each failure leaves behind."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.catalog.models import Reservation, Stock
from apps.orders.models import Order
from contracts.catalog.errors import OutOfStock
from contracts.kernel.errors import Unavailable
from contracts.kernel.money import Money
from contracts.orders.errors import CartNotReady, IdempotencyKeyReused
from contracts.payments.errors import PaymentRejected
from microstore.outbox.models import OutboxEvent
from tests.orders.conftest import HOME
from tests.orders.fakes import unavailable

pytestmark = pytest.mark.django_db


def held(product) -> tuple[int, int]:
    stock = Stock.objects.get(pk=product.pk)
    return stock.on_hand, stock.reserved


def test_placing_an_order_holds_stock_snapshots_lines_and_starts_the_payment(
    place, mug, lamp, cart, payments, shopper
):
    order = place({mug: 2, lamp: 1}, key="first-try-0001")

    assert order.status == "pending_payment"
    assert order.number.startswith("MS-")
    assert len(order.number) == 12
    assert [
        (line.sku, line.name, line.unit_price, line.quantity, line.line_total)
        for line in order.lines.all()
    ] == [
        ("MUG-1", "Stoneware mug", Decimal("14.00"), 2, Decimal("28.00")),
        ("LAMP-1", "Desk lamp", Decimal("79.00"), 1, Decimal("79.00")),
    ]
    assert (order.subtotal, order.shipping, order.total) == (
        Decimal("107.00"),
        Decimal("0.00"),
        Decimal("107.00"),
    )
    assert held(mug) == (5, 2)
    assert held(lamp) == (2, 1)
    session = payments.started[f"{order.number}:pay:1"]
    assert session.amount == Money("107.00", "EUR")
    assert order.payment_ref == session.payment_ref
    assert cart.cleared == [(f"cart-{shopper.pk}", f"order {order.number}")]
    placed = OutboxEvent.objects.get(event_type="orders.OrderPlaced")
    assert placed.payload["order"]["number"] == order.number
    assert list(order.timeline.values_list("from_status", "to_status")) == [("", "pending_payment")]


def test_small_orders_pay_flat_shipping(place, mug):
    order = place({mug: 1})
    assert (order.subtotal, order.shipping, order.total) == (
        Decimal("14.00"),
        Decimal("4.90"),
        Decimal("18.90"),
    )


def test_the_same_key_twice_is_one_order_one_hold_one_payment(place, mug, payments):
    first = place({mug: 2}, key="double-click-01")
    second = place(key="double-click-01")

    assert second.pk == first.pk
    assert Order.objects.count() == 1
    assert Reservation.objects.count() == 1
    assert held(mug) == (5, 2)
    assert len(payments.started) == 1


def test_the_same_key_for_another_address_is_refused(place, mug):
    place({mug: 1}, key="reused-key-01")
    elsewhere = HOME.__class__(**{**HOME.__dict__, "city": "Lyon"})
    with pytest.raises(IdempotencyKeyReused):
        place(key="reused-key-01", address=elsewhere)
    assert Order.objects.count() == 1


def test_an_empty_cart_places_nothing(place):
    with pytest.raises(CartNotReady, match="empty"):
        place({})
    assert not Order.objects.exists()
    assert not Reservation.objects.exists()


def test_a_cart_with_a_product_no_longer_sold_places_nothing(place, mug, lamp):
    lamp.is_active = False
    lamp.save()
    with pytest.raises(CartNotReady):
        place({mug: 1, lamp: 1})
    assert not Order.objects.exists()
    assert held(mug) == (5, 0)


def test_sold_out_places_nothing_and_says_what_is_left(place, mug, lamp, payments, cart):
    cart.held_meanwhile(lamp.pk, 1)  # another checkout, between our cart read and our hold
    with pytest.raises(OutOfStock) as caught:
        place({mug: 1, lamp: 2})
    assert caught.value.details["items"] == [
        {"sku": "LAMP-1", "name": "Desk lamp", "requested": 2, "available": 1}
    ]
    assert not Order.objects.exists()
    assert (held(mug), held(lamp)) == ((5, 0), (2, 1))
    assert payments.started == {}


def test_when_the_payment_is_refused_the_order_is_cancelled_and_its_stock_released(
    place, mug, payments, cart, shopper
):
    payments.fail_with = PaymentRejected("the gateway refused this payment")

    order = place({mug: 2})

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert "the payment could not be started (payment_rejected)" in order.timeline.last().reason
    assert held(mug) == (5, 0)
    assert Reservation.objects.get().status == "released"
    assert not Order.objects.filter(status="pending_payment").exists()
    assert cart.cleared == []  # the shopper keeps the cart to try again


def test_when_payments_cannot_answer_the_order_waits_with_its_stock_for_the_same_request(
    place, mug, payments, cart, shopper
):
    payments.fail_with = unavailable()

    with pytest.raises(Unavailable) as caught:
        place({mug: 2}, key="gateway-down-01")

    assert caught.value.code == "unavailable"  # not a gateway's word: the shop's, plainly
    assert "nothing was charged" in caught.value.message
    order = Order.objects.get()
    assert (order.status, order.payment_ref) == ("pending_payment", "")
    assert held(mug) == (5, 2)
    assert cart.cleared == []
    payments.fail_with = None

    again = place(key="gateway-down-01")  # the same checkout, once payments answers

    assert again.pk == order.pk
    assert again.payment_ref == payments.started[f"{order.number}:pay:1"].payment_ref
    assert len(payments.started) == 1
    assert Order.objects.count() == 1
    assert len(cart.cleared) == 1


def test_a_short_key_is_refused(place, mug):
    from contracts.kernel.errors import InvalidRequest

    with pytest.raises(InvalidRequest):
        place({mug: 1}, key="short")
    assert not Order.objects.exists()
