"""What shoppers and staff do to an order after checkout. Each step is idempotent."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.orders.models import Order, OrderEvent
from apps.orders.selectors import order_for_customer
from apps.orders.services.checkout import hold_reference, reservation_seconds
from apps.orders.services.lifecycle import locked, order_transition, transition
from apps.orders.services.steps import compensate_unpaid, payment_start
from apps.orders.transitions import UNPAID
from contracts.catalog.dto import ReservationStatus, StockLine
from contracts.catalog.service import catalog_service
from contracts.kernel.errors import InvalidRequest
from contracts.kernel.money import Money
from contracts.orders.dto import OrderStatus
from contracts.orders.errors import IllegalTransition, NotCancellable
from contracts.payments.dto import PaymentCustomer
from contracts.payments.service import payments_service

logger = logging.getLogger(__name__)
S = OrderStatus


def order_cancel(*, number: str, actor: str, reason: str) -> Order:
    """Cancel an order that has not shipped. Unpaid: release its stock. Paid: refund it in full
    and put its stock back on the shelf."""
    order = Order.objects.get(number=number)
    if order.state in UNPAID:
        compensate_unpaid(number, reason=reason, actor=actor)
    elif order.state is S.PAID:
        _refund(order, Money(order.total, order.currency), f"cancelled: {reason}", "cancel")
        catalog_service().restock_reservation(order.reservation_ref)
        order_transition(number=number, to=S.CANCELLED, actor=actor, reason=reason)
    else:
        raise IllegalTransition(
            f"order {number} is {order.status}: it can no longer be cancelled",
            details={"from": order.status, "to": S.CANCELLED.value},
        )
    return Order.objects.get(number=number)


def order_cancel_by_customer(*, customer_id: int, number: str) -> Order:
    """A customer cancels their own order: only while it is unpaid (nothing was charged; its
    stock goes back). Http404 for an order that is not theirs; NotCancellable once it is paid
    (then it is staff's to cancel, with a refund). Cancelling twice is refused the same way."""
    order = order_for_customer(customer_id, number)
    with transaction.atomic(durable=True):
        order = locked(order.number)  # checked under the lock: a payment may land meanwhile
        if order.state not in UNPAID:
            raise NotCancellable(
                f"order {order.number} is {order.status.replace('_', ' ')}: only an unpaid "
                "order can be cancelled, contact us instead",
                details={"status": order.status},
            )
        transition(
            order, S.CANCELLED, actor=f"customer:{customer_id}", reason="cancelled by the customer"
        )
    catalog_service().release_reservation(order.reservation_ref)
    return order


def order_fulfil(*, number: str, tracking_number: str, actor: str) -> Order:
    """The parcel left: record its tracking number."""
    tracking = tracking_number.strip()
    if not tracking or len(tracking) > 100:
        raise InvalidRequest("a tracking number (1 to 100 characters) is needed to fulfil")
    with transaction.atomic(durable=True):
        order = locked(number)
        order.tracking_number = tracking
        return transition(
            order, S.FULFILLED, actor=actor, reason=f"shipped, tracking {tracking}",
            tracking_number=tracking,
        )  # fmt: skip


def order_deliver(*, number: str, actor: str) -> Order:
    return order_transition(number=number, to=S.DELIVERED, actor=actor, reason="delivered")


def order_refund(
    *, number: str, actor: str, amount: Money | None = None, reason: str = ""
) -> Order:
    """Ask the gateway for a refund (all that is left by default). The order becomes
    `refunded` when the gateway confirms a full refund (PaymentRefunded)."""
    order = Order.objects.get(number=number)
    if order.state not in (S.PAID, S.FULFILLED, S.DELIVERED):
        raise IllegalTransition(
            f"order {number} is {order.status}: there is no payment to refund",
            details={"from": order.status, "to": S.REFUNDED.value},
        )
    payment = payments_service().get_payment(order.number)
    amount = amount or payment.amount - payment.refunded
    # Keyed by what was refunded so far: a double click asks for the same refund, once.
    key = f"refund:{payment.refunded.amount}:{amount.amount}"
    _refund(order, amount, reason or f"refund by {actor}", key)
    return order


def _refund(order: Order, amount: Money, reason: str, purpose: str) -> None:
    payments_service().refund(order.payment_ref, amount, reason, f"{order.number}:{purpose}")
    OrderEvent.objects.create(
        order=order, from_status=order.status, to_status=order.status, actor="system",
        reason=f"refund of {amount.format()} requested ({reason})"[:300],
    )  # fmt: skip


def order_retry_payment(*, number: str, customer: PaymentCustomer) -> Order:
    """After a decline: hold the stock again if it was let go, and open a new payment."""
    order = Order.objects.get(number=number)
    if order.state is not S.PAYMENT_FAILED:
        raise IllegalTransition(f"order {number} is {order.status}: nothing to retry")
    reference, attempt, expires_at = _hold(order)
    with transaction.atomic(durable=True):
        order = locked(number)
        order.reservation_ref, order.reservation_attempt = reference, attempt
        order.reservation_expires_at = expires_at
        order.save(
            update_fields=["reservation_ref", "reservation_attempt", "reservation_expires_at"]
        )
        order.payment_attempts += 1  # a new attempt, a new payment key; saved by transition
        transition(order, S.PENDING_PAYMENT, actor=f"customer:{order.customer_id}",
                   reason="payment retried")  # fmt: skip
    payment_start(order, customer)
    return Order.objects.get(number=number)


def _hold(order: Order) -> tuple[str, int, datetime]:
    """The order's stock held again: its current hold if still active, else a new one named
    for the coming attempt. (reference, attempt, expiry)"""
    lines = _stock_lines(order)
    held = catalog_service().reserve_stock(lines, order.reservation_ref, reservation_seconds())
    if held.status is ReservationStatus.ACTIVE:
        return order.reservation_ref, order.reservation_attempt, held.expires_at
    attempt = order.payment_attempts + 1
    reference = hold_reference(
        customer_id=order.customer_id, idempotency_key=order.idempotency_key, attempt=attempt
    )
    held = catalog_service().reserve_stock(lines, reference, reservation_seconds())
    return reference, attempt, held.expires_at


def _stock_lines(order: Order) -> tuple[StockLine, ...]:
    return tuple(StockLine(line.product_id, line.quantity) for line in order.lines.all())


def orders_expire(*, limit: int = 200) -> int:
    """Cancel unpaid orders whose stock hold has expired, and release it (a periodic task)."""
    due = list(
        Order.objects.filter(
            status__in=[s.value for s in UNPAID], reservation_expires_at__lt=timezone.now()
        ).values_list("number", flat=True)[:limit]
    )
    for number in due:
        try:
            compensate_unpaid(number, reason="not paid in time", actor="system")
        except IllegalTransition:
            continue  # paid meanwhile
    if due:
        logger.info("cancelled %s unpaid order(s) past their hold", len(due))
    return len(due)
