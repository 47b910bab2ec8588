"""Event subscribers: each records the email it owes and leaves the sending to a task."""

from __future__ import annotations

from apps.notifications.models import Notification
from apps.notifications.services import notification_record
from contracts.kernel.events import subscribe
from contracts.orders.events import (
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderPaymentFailed,
    OrderPlaced,
    OrderRefunded,
)

Kind = Notification.Kind


@subscribe(OrderPlaced, name="notifications.order_placed")
def on_order_placed(event: OrderPlaced) -> None:
    notification_record(event=event, kind=Kind.ORDER_PLACED, order=event.order)


@subscribe(OrderPaid, name="notifications.order_paid")
def on_order_paid(event: OrderPaid) -> None:
    notification_record(event=event, kind=Kind.ORDER_PAID, order=event.order)


@subscribe(OrderPaymentFailed, name="notifications.order_payment_failed")
def on_order_payment_failed(event: OrderPaymentFailed) -> None:
    notification_record(event=event, kind=Kind.ORDER_PAYMENT_FAILED, order=event.order)


@subscribe(OrderFulfilled, name="notifications.order_fulfilled")
def on_order_fulfilled(event: OrderFulfilled) -> None:
    notification_record(event=event, kind=Kind.ORDER_FULFILLED, order=event.order)


@subscribe(OrderCancelled, name="notifications.order_cancelled")
def on_order_cancelled(event: OrderCancelled) -> None:
    notification_record(event=event, kind=Kind.ORDER_CANCELLED, order=event.order)


@subscribe(OrderRefunded, name="notifications.order_refunded")
def on_order_refunded(event: OrderRefunded) -> None:
    notification_record(event=event, kind=Kind.ORDER_REFUNDED, order=event.order)
