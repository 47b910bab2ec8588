"""How orders hear from payments: idempotent subscribers (a duplicated or late event changes
nothing twice: the transition table and the unique cause id on the audit row see to it)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from apps.orders.models import Order, OrderEvent
from apps.orders.services.checkout import hold_reference
from apps.orders.services.lifecycle import order_transition
from apps.orders.services.refunds import order_record_refund
from apps.orders.transitions import UNPAID
from contracts.catalog.dto import StockLine
from contracts.catalog.errors import OutOfStock, ReservationReleased
from contracts.catalog.service import catalog_service
from contracts.kernel.events import subscribe
from contracts.orders.dto import OrderStatus
from contracts.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from contracts.payments.service import payments_service

logger = logging.getLogger(__name__)
S = OrderStatus


def _order(number: str) -> Order | None:
    order = Order.objects.filter(number=number).first()
    if order is None:
        logger.warning("payment event for unknown order %s ignored", number)
    return order


def _seen(event_id: object) -> bool:
    return OrderEvent.objects.filter(cause_event_id=event_id).exists()


@subscribe(PaymentSucceeded, name="orders.payment_succeeded")
def on_payment_succeeded(event: PaymentSucceeded) -> None:
    order = _order(event.order_ref)
    if order is None or _seen(event.event_id):
        return
    if order.state is S.CANCELLED:
        _refund_late_payment(order, event)
        return
    if order.state not in UNPAID:
        return  # already paid: a duplicate from the gateway
    if not _take_stock(order):
        _refund(order, event)  # the cancel below is the audit row, under the event's id
        order_transition(
            number=order.number, to=S.CANCELLED, actor="payments",
            reason="paid after the hold expired, and the items sold out meanwhile: refunded",
            cause_event_id=event.event_id,
        )  # fmt: skip
        return
    order_transition(
        number=order.number, to=S.PAID, actor="payments",
        reason=f"payment {event.payment_ref} succeeded", cause_event_id=event.event_id,
    )  # fmt: skip


def _take_stock(order: Order) -> bool:
    """Commit the held stock; if the hold had expired, try to hold it again first."""
    try:
        catalog_service().commit_reservation(order.reservation_ref)
        return True
    except ReservationReleased:
        pass
    reference = hold_reference(
        customer_id=order.customer_id, idempotency_key=order.idempotency_key, late=True
    )
    lines = tuple(StockLine(line.product_id, line.quantity) for line in order.lines.all())
    try:
        catalog_service().reserve_stock(lines, reference, 600)
    except OutOfStock:
        return False
    catalog_service().commit_reservation(reference)
    Order.objects.filter(pk=order.pk).update(reservation_ref=reference, reservation_late=True)
    return True


def _refund_late_payment(order: Order, event: PaymentSucceeded) -> None:
    """Give back money for an order already cancelled, noted under the event's id: a
    redelivered event is `_seen` and asks for nothing; two deliveries at once ask for the
    same refund (one key) and write one row."""
    _refund(order, event)
    try:
        with transaction.atomic():
            OrderEvent.objects.create(
                order=order,
                from_status=order.status,
                to_status=order.status,
                actor="payments",
                reason=f"late payment {event.payment_ref} refunded",
                cause_event_id=event.event_id,
            )
    except IntegrityError:
        if not _seen(event.event_id):
            raise


def _refund(order: Order, event: PaymentSucceeded) -> None:
    payments_service().refund(
        event.payment_ref,
        event.amount,
        "the order was cancelled before the payment arrived",
        f"{order.number}:late:{event.payment_ref}",
    )


@subscribe(PaymentFailed, name="orders.payment_failed")
def on_payment_failed(event: PaymentFailed) -> None:
    order = _order(event.order_ref)
    if order is None or _seen(event.event_id) or order.state is not S.PENDING_PAYMENT:
        return
    if order.payment_ref and order.payment_ref != event.payment_ref:
        return  # an older attempt failing late: the current one still counts
    order_transition(
        number=order.number, to=S.PAYMENT_FAILED, actor="payments",
        reason=event.reason or "the payment was declined", cause_event_id=event.event_id,
    )  # fmt: skip


@subscribe(PaymentRefunded, name="orders.payment_refunded")
def on_payment_refunded(event: PaymentRefunded) -> None:
    if _order(event.order_ref) is None:
        return
    order_record_refund(
        number=event.order_ref,
        amount=event.amount,
        payment_ref=event.payment_ref,
        fully_refunded=event.fully_refunded,
        cause_event_id=event.event_id,
    )
