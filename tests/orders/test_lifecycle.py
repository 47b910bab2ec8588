"""The transition table, through the services: legal moves are audited and published; illegal
ones raise and change nothing."""

from __future__ import annotations

import pytest

from apps.orders.models import Order, OrderEvent
from apps.orders.services.actions import order_cancel, order_deliver, order_fulfil, order_refund
from apps.orders.services.lifecycle import order_transition
from apps.orders.transitions import ALLOWED, can_move
from contracts.kernel.errors import InvalidRequest
from contracts.orders.dto import OrderStatus as S
from contracts.orders.errors import IllegalTransition
from contracts.payments.errors import RefundNotAllowed
from microstore.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db


def paid(place, mug, payments) -> Order:
    order = place({mug: 1})
    payments.pay(order.payment_ref)
    return order_transition(number=order.number, to=S.PAID, actor="payments")


def events_of(order: Order) -> list[str]:
    return [
        e.event_type
        for e in OutboxEvent.objects.order_by("published_at")
        if e.payload.get("order", {}).get("number") == order.number
    ]


def test_the_table_matches_the_design():
    assert can_move(S.PENDING_PAYMENT, S.PAID)
    assert can_move(S.PAYMENT_FAILED, S.PENDING_PAYMENT)
    assert can_move(S.PAID, S.CANCELLED)
    assert can_move(S.DELIVERED, S.REFUNDED)
    assert not can_move(S.PENDING_PAYMENT, S.FULFILLED)
    assert not can_move(S.DELIVERED, S.CANCELLED)
    assert ALLOWED[S.CANCELLED] == ALLOWED[S.REFUNDED] == frozenset()


def test_a_full_life_is_audited_and_published(place, mug, payments):
    order = paid(place, mug, payments)
    order_fulfil(number=order.number, tracking_number="1Z999", actor="staff:1")
    order_deliver(number=order.number, actor="staff:1")

    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("delivered", "1Z999")
    assert list(order.timeline.values_list("from_status", "to_status", "actor")) == [
        ("", "pending_payment", f"customer:{order.customer_id}"),
        ("pending_payment", "paid", "payments"),
        ("paid", "fulfilled", "staff:1"),
        ("fulfilled", "delivered", "staff:1"),
    ]
    assert events_of(order) == [
        "orders.OrderPlaced",
        "orders.OrderPaid",
        "orders.OrderFulfilled",
        "orders.OrderDelivered",
    ]
    fulfilled = OutboxEvent.objects.get(event_type="orders.OrderFulfilled")
    assert fulfilled.payload["tracking_number"] == "1Z999"


@pytest.mark.parametrize("target", [S.FULFILLED, S.DELIVERED, S.REFUNDED])
def test_an_illegal_move_raises_and_changes_nothing(place, mug, target):
    order = place({mug: 1})
    audit, events = OrderEvent.objects.count(), OutboxEvent.objects.count()

    with pytest.raises(IllegalTransition) as caught:
        order_transition(number=order.number, to=target, actor="staff:1")

    assert caught.value.details == {"from": "pending_payment", "to": target.value}
    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert (OrderEvent.objects.count(), OutboxEvent.objects.count()) == (audit, events)


def test_fulfilling_needs_a_tracking_number(place, mug, payments):
    order = paid(place, mug, payments)
    with pytest.raises(InvalidRequest):
        order_fulfil(number=order.number, tracking_number="  ", actor="staff:1")
    order.refresh_from_db()
    assert order.status == "paid"


def test_cancelling_a_paid_order_refunds_it_and_restocks(place, mug, payments):
    from apps.catalog.models import Stock
    from contracts.catalog.service import catalog_service

    order = paid(place, mug, payments)
    catalog_service().commit_reservation(order.reservation_ref)
    assert Stock.objects.get(pk=mug.pk).on_hand == 4

    order_cancel(number=order.number, actor="staff:1", reason="customer asked")

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert [r.amount.amount for r in payments.refunds.values()] == [order.total]
    assert Stock.objects.get(pk=mug.pk).on_hand == 5


def test_a_shipped_order_cannot_be_cancelled_only_refunded(place, mug, payments):
    order = paid(place, mug, payments)
    order_fulfil(number=order.number, tracking_number="T1", actor="staff:1")
    with pytest.raises(IllegalTransition):
        order_cancel(number=order.number, actor="staff:1", reason="too late")
    order_refund(number=order.number, actor="staff:1")
    assert len(payments.refunds) == 1
    order.refresh_from_db()
    assert order.status == "fulfilled"  # refunded only when the gateway confirms


def test_an_unpaid_order_has_nothing_to_refund(place, mug, payments):
    order = place({mug: 1})
    with pytest.raises(IllegalTransition):
        order_refund(number=order.number, actor="staff:1")
    assert payments.refunds == {}


def test_a_refund_asked_twice_in_a_row_is_one_refund(place, mug, payments):
    order = paid(place, mug, payments)
    order_refund(number=order.number, actor="staff:1")
    # A double click: the gateway answered the first at once, so nothing is left to refund.
    with pytest.raises(RefundNotAllowed):
        order_refund(number=order.number, actor="staff:1")
    assert len(payments.refunds) == 1
