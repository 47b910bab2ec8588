"""Refunds as orders see them: recorded from payments' PaymentRefunded, once per event.

A partial refund keeps the order's status (it can still be fulfilled) and shows as what it is:
an OrderRefund row (amount, when), the order's `refunded` total and a timeline entry. The refund
that completes the total moves a paid, fulfilled or delivered order to `refunded`.
"""

from __future__ import annotations

from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F

from apps.orders.models import Order, OrderEvent, OrderRefund
from apps.orders.services.lifecycle import locked, transition
from contracts.kernel.money import Money
from contracts.orders.dto import OrderStatus

S = OrderStatus
REFUNDABLE = frozenset({S.PAID, S.FULFILLED, S.DELIVERED})


def order_record_refund(
    *, number: str, amount: Money, payment_ref: str, fully_refunded: bool, cause_event_id: UUID
) -> bool:
    """Record a refund payments made on order `number`. Idempotent on `cause_event_id`: False
    (nothing changed) for an event already recorded."""
    try:
        with transaction.atomic(durable=True):
            order = locked(number)
            OrderRefund.objects.create(
                order=order,
                amount=amount.amount,
                payment_ref=payment_ref,
                cause_event_id=cause_event_id,
            )
            Order.objects.filter(pk=order.pk).update(refunded=F("refunded") + amount.amount)
            order.refresh_from_db(fields=["refunded"])
            _note(order, amount, fully_refunded, cause_event_id)
    except IntegrityError:
        if OrderRefund.objects.filter(cause_event_id=cause_event_id).exists():
            return False
        raise
    return True


def _note(order: Order, amount: Money, fully_refunded: bool, cause: UUID) -> None:
    total = Money(order.total, order.currency)
    if fully_refunded and order.state in REFUNDABLE:
        transition(
            order,
            S.REFUNDED,
            actor="payments",
            reason=f"refunded {amount.format()}",
            cause_event_id=cause,
            amount=amount,
        )
        return
    so_far = Money(order.refunded, order.currency)
    OrderEvent.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        actor="payments",
        reason=f"refunded {amount.format()} ({so_far.format()} of {total.format()} in all)",
        cause_event_id=cause,
    )
