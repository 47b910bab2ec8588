"""The checkout's steps after the order is written (start the payment, empty the cart), and the
lease that lets exactly one request at a time carry them out.

The order is created with `checkout_lease_until` set: the creating request holds the lease.
When every step is done the lease is cleared (empty: nothing left to do). A replay of the same
idempotency key finds either a finished order (it answers with the first request's outcome), a
live lease (the first request is still at work: it waits, then answers as that one did), or a
lapsed lease (that request died half-way: it takes the lease and finishes the steps itself).
Each step is idempotent (the payment's key is the order's), so a step repeated after a crash
still happens once. No lock is held across a call to another service.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from apps.orders.models import Order
from apps.orders.services.lifecycle import order_transition
from apps.orders.services.outcomes import CheckoutResult, Outcome
from contracts.cart.service import cart_service
from contracts.catalog.service import catalog_service
from contracts.kernel.errors import ContractError, Unavailable
from contracts.kernel.money import Money
from contracts.orders.dto import OrderStatus
from contracts.payments.dto import PaymentCustomer
from contracts.payments.service import payments_service

logger = logging.getLogger(__name__)
POLL_SECONDS = (0.02, 0.05, 0.1, 0.2)  # a replay's waits while the first request works


def lease_seconds() -> float:
    """How long a checkout request may take over the steps after the order is written before
    a replay presumes it dead (ORDERS_CHECKOUT_LEASE_SECONDS; keep it above the payment
    gateway's timeout and below the web server's)."""
    return float(getattr(settings, "ORDERS_CHECKOUT_LEASE_SECONDS", 20))


def lease_from_now() -> datetime:
    return timezone.now() + timedelta(seconds=lease_seconds())


def finish(
    order: Order, customer: PaymentCustomer, *, cart_id: str | None = None
) -> CheckoutResult:
    """Do what is left of the checkout of `order`, whose lease the caller holds, then let go
    of the lease: open the payment unless it is open (or the order is no longer waiting for
    one), then empty the cart. A payment that payments did not answer for, or a cart that
    cannot be emptied now, leaves the lease lapsed, so the next replay tries again."""
    if not order.payment_ref and order.state is OrderStatus.PENDING_PAYMENT:
        if order.reservation_expires_at <= timezone.now():  # a replay came after the hold
            compensate_unpaid(order.number, reason="not paid in time")
            order.refresh_from_db()
        else:
            payment_start(order, customer, cancel_if_unavailable=False)
    if order.payment_ref and order.state is not OrderStatus.CANCELLED:
        done = _empty_cart(order, cart_id)
    else:  # no payment: done, unless still waiting for one (payments did not answer)
        done = order.state is not OrderStatus.PENDING_PAYMENT
    Order.objects.filter(pk=order.pk).update(checkout_lease_until=None if done else timezone.now())
    order.checkout_lease_until = None
    return outcome_of(order)


def resume(order: Order, customer: PaymentCustomer) -> CheckoutResult:
    """Answer a replayed checkout of `order`: as soon as its steps are done, by whichever
    request holds the lease, or by this one when the lease lapses."""
    for wait in _waits():
        if order.checkout_lease_until is None:
            return outcome_of(order, replayed=True)
        if _claim(order):
            logger.info("checkout of %s resumed by a replay", order.number)
            result = finish(order, customer)
            return CheckoutResult(result.outcome, result.order, replayed=True)
        time.sleep(wait)
        order.refresh_from_db()
    raise AssertionError("unreachable: _waits never ends")  # pragma: no cover


def _waits() -> Iterator[float]:
    yield from POLL_SECONDS
    while True:
        yield POLL_SECONDS[-1]


def _claim(order: Order) -> bool:
    """Take over a lapsed lease (one request wins; the others keep waiting)."""
    now = timezone.now()
    lease = now + timedelta(seconds=lease_seconds())
    taken = Order.objects.filter(pk=order.pk, checkout_lease_until__lte=now).update(
        checkout_lease_until=lease
    )
    if taken:
        order.refresh_from_db()
    return bool(taken)


def outcome_of(order: Order, *, replayed: bool = False) -> CheckoutResult:
    """A checkout's outcome: its payment was opened (placed); it never was and the order
    was cancelled for it (nothing charged); or it is still to be opened (unavailable: the
    same request sent again opens it)."""
    if order.payment_ref:
        outcome = Outcome.PLACED
    elif order.state is OrderStatus.PENDING_PAYMENT:
        outcome = Outcome.UNAVAILABLE
    else:
        outcome = Outcome.PAYMENT_NOT_STARTED
    return CheckoutResult(outcome, order, replayed=replayed)


def _empty_cart(order: Order, cart_id: str | None) -> bool:
    try:
        if cart_id is None:
            cart_id = cart_service().get_customer_cart(order.customer_id).id
        cart_service().clear_cart(cart_id, f"order {order.number}")
    except ContractError as exc:
        logger.warning("order %s placed but its cart not emptied yet: %s", order.number, exc)
        return False
    return True


def payment_start(
    order: Order, customer: PaymentCustomer, *, cancel_if_unavailable: bool = True
) -> None:
    """Open the payment of the attempt `order.payment_attempts` (counted and saved by the
    caller, so each attempt has its own key); when that fails, cancel the order and give its
    stock back. With `cancel_if_unavailable` false, payments not answering (`Unavailable`:
    down, a timeout, a garbled answer; it may have opened the payment all the same) leaves
    the order as it is, to be tried again with the same key, which opens at most one."""
    key = f"{order.number}:pay:{order.payment_attempts}"
    try:
        session = payments_service().start_payment(
            order.number, Money(order.total, order.currency), customer, key
        )
    except Unavailable as exc:
        if cancel_if_unavailable:
            _cancel_unstarted(order, exc)
        else:
            logger.warning("payment for %s not started yet: %s", order.number, exc)
        return
    except Exception as exc:  # any other failure: compensate, then say why
        _cancel_unstarted(order, exc)
        return
    Order.objects.filter(pk=order.pk).update(
        payment_ref=session.payment_ref, pay_url=session.pay_url or ""
    )
    order.payment_ref, order.pay_url = session.payment_ref, session.pay_url or ""


def _cancel_unstarted(order: Order, exc: Exception) -> None:
    logger.warning("payment for %s could not start: %s", order.number, exc)
    compensate_unpaid(order.number, reason=f"the payment could not be started ({_why(exc)})")
    order.refresh_from_db()


def _why(exc: Exception) -> str:
    return exc.code if isinstance(exc, ContractError) else type(exc).__name__


def compensate_unpaid(number: str, *, reason: str, actor: str = "system") -> None:
    """Cancel an unpaid order and release its stock (each step idempotent)."""
    order = Order.objects.get(number=number)
    if order.state in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_FAILED):
        order_transition(number=number, to=OrderStatus.CANCELLED, actor=actor, reason=reason)
    catalog_service().release_reservation(order.reservation_ref)
