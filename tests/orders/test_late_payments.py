"""Money that arrives after the order was cancelled: refunded once, recorded once, however
often the gateway's event is delivered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog.models import Reservation, Stock
from apps.catalog.services.stock import reservations_release_expired
from apps.orders.handlers import on_payment_succeeded
from apps.orders.services.actions import order_cancel
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.payments.events import PaymentSucceeded

pytestmark = pytest.mark.django_db


def succeeded(order) -> PaymentSucceeded:
    return PaymentSucceeded(
        order_ref=order.number, payment_ref=order.payment_ref, amount=Money(order.total, "EUR")
    )


def test_a_late_payment_for_a_cancelled_order_delivered_twice_is_refunded_and_noted_once(
    place, mug, drain_tasks, payments
):
    order = place({mug: 1})
    order_cancel(number=order.number, actor="system", reason="not paid in time")
    payments.pay(order.payment_ref)  # the shopper paid just as it was cancelled
    event = succeeded(order)

    publish(event)
    drain_tasks()
    on_payment_succeeded(event)  # the outbox delivers at least once: here, twice

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert payments.refund_calls == [f"{order.number}:late:{order.payment_ref}"]
    notes = order.timeline.filter(reason=f"late payment {order.payment_ref} refunded")
    assert [(n.from_status, n.to_status, n.cause_event_id) for n in notes] == [
        ("cancelled", "cancelled", event.event_id)
    ]
    assert order.timeline.filter(to_status="paid").count() == 0


def test_a_late_payment_for_items_sold_out_meanwhile_delivered_twice_refunds_once(
    place, mug, drain_tasks, payments
):
    order = place({mug: 2})
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    reservations_release_expired()
    Stock.objects.filter(pk=mug.pk).update(on_hand=1)
    payments.pay(order.payment_ref)
    event = succeeded(order)

    publish(event)
    drain_tasks()
    on_payment_succeeded(event)

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert payments.refund_calls == [f"{order.number}:late:{order.payment_ref}"]
    assert list(order.timeline.values_list("to_status", "cause_event_id")) == [
        ("pending_payment", None),
        ("cancelled", event.event_id),
    ]
    assert Stock.objects.get(pk=mug.pk).reserved == 0
