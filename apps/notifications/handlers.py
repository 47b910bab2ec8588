"""Event subscribers: each order event records the email it owes and queues it (`EmailQueued`);
`send_email` sends a queued email as an outbox delivery, so the outbox retries it."""

from __future__ import annotations

from apps.notifications.models import Notification
from apps.notifications.services import (
    notification_give_up,
    notification_record,
    notification_send,
)
from contracts.kernel.events import subscribe
from contracts.notifications.events import EmailQueued
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


def _failed_for_good(event: EmailQueued, error: str) -> None:
    notification_give_up(event.notification_id, error)


@subscribe(EmailQueued, name="notifications.send_email", on_dead=_failed_for_good)
def send_email(event: EmailQueued) -> None:
    notification_send(event.notification_id)
