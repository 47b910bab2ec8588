"""Moving an order along its life cycle: one audited, published transition at a time."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction

from apps.orders.models import Order, OrderEvent
from apps.orders.snapshots import order_dto
from apps.orders.transitions import ALLOWED, EVENT_OF
from contracts.kernel.events import publish
from contracts.orders import events
from contracts.orders.dto import OrderStatus
from contracts.orders.errors import IllegalTransition, OrderNotFound


def locked(number: str) -> Order:
    """The order, row-locked for the rest of the transaction."""
    try:
        return Order.objects.select_for_update().get(number=number)
    except Order.DoesNotExist:
        raise OrderNotFound(f"no order {number!r}") from None


def transition(
    order: Order,
    to: OrderStatus,
    *,
    actor: str,
    reason: str = "",
    cause_event_id: UUID | None = None,
    **event_fields: Any,
) -> Order:
    """Move a locked `order` to `to` inside the caller's transaction: the status, an audit row
    and the event, together. IllegalTransition (nothing changed) when the table forbids it."""
    source = order.state
    if to not in ALLOWED[source]:
        raise IllegalTransition(
            f"order {order.number} is {source.value}: it cannot become {to.value}",
            details={"from": source.value, "to": to.value},
        )
    order.status = to.value
    order.save(update_fields=["status", "tracking_number", "payment_attempts", "updated_at"])
    OrderEvent.objects.create(
        order=order, from_status=source.value, to_status=to.value, actor=actor,
        reason=reason[:300], cause_event_id=cause_event_id,
    )  # fmt: skip
    event_type = EVENT_OF[to]
    if event_type is not None:
        fields = dict(event_fields)
        if event_type is events.OrderCancelled or event_type is events.OrderPaymentFailed:
            fields.setdefault("reason", reason)
        publish(event_type(order=order_dto(order), **fields))  # type: ignore[call-arg]  # each OrderEvent has `order`
    return order


def order_transition(
    *,
    number: str,
    to: OrderStatus,
    actor: str,
    reason: str = "",
    cause_event_id: UUID | None = None,
    **event_fields: Any,
) -> Order:
    """`transition` as its own transaction. A cause already recorded (a duplicated event) is
    answered with the order unchanged."""
    try:
        with transaction.atomic(durable=True):
            order = locked(number)
            return transition(
                order, to, actor=actor, reason=reason, cause_event_id=cause_event_id,
                **event_fields,
            )  # fmt: skip
    except IntegrityError:
        if (
            cause_event_id is not None
            and OrderEvent.objects.filter(cause_event_id=cause_event_id).exists()
        ):
            return Order.objects.get(number=number)
        raise
