"""Placing an order: a saga across catalog, cart and payments, each step idempotent.

    reserve stock (catalog, keyed by the checkout) → create the order, pending payment, with
    line snapshots → start the payment (payments, keyed by the order) → empty the cart

A failure undoes what came before: no stock → no order; a payment refused → the order is
cancelled (it says why) and its stock released. A service that cannot answer now (down, timing
out, answering 500 or garbage: `Unavailable`) is the UNAVAILABLE outcome, nothing charged, and
the same request may be sent again: a hold the catalog may have taken without answering is
released at once (best effort), and an order whose payment did not start stays pending, its
stock held, for the replay to start that payment with the same key.

The order is written holding a short checkout lease (`steps`): the steps after it are finished
by whoever holds the lease, so a request that died half-way is finished, exactly once, by the
next request with the same idempotency key, and replays that arrive while the first is still
running wait for it and answer as it did. Whatever nobody finishes heals by itself: an unused
reservation expires, an unpaid order is cancelled by `orders_expire`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import astuple
from datetime import datetime
from decimal import Decimal
from itertools import count

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.orders.models import Order, OrderEvent, OrderLine
from apps.orders.services import steps
from apps.orders.services.address import shipping_address_check
from apps.orders.services.outcomes import (
    CheckoutResult,
    Outcome,
    sold_out_in_cart,
    sold_out_named,
)
from apps.orders.snapshots import order_dto
from contracts.cart.dto import CartDTO
from contracts.cart.service import cart_service
from contracts.catalog.dto import ReservationDTO, ReservationStatus, StockLine
from contracts.catalog.errors import OutOfStock
from contracts.catalog.service import catalog_service
from contracts.kernel.errors import ContractError, InvalidRequest, Unavailable
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.orders.dto import OrderStatus, ShippingAddressDTO, idempotency_key_problem
from contracts.orders.errors import CartNotReady, IdempotencyKeyReused
from contracts.orders.events import OrderPlaced
from contracts.payments.dto import PaymentCustomer

logger = logging.getLogger(__name__)
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud


def new_number() -> str:
    """``MS-7KQ2-M9XD``: short, unambiguous, random (unguessable, unique by constraint)."""
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"MS-{chars[:4]}-{chars[4:]}"


def shipping_for(subtotal: Money) -> Money:
    free_from = Decimal(str(getattr(settings, "ORDERS_FREE_SHIPPING_FROM", "50.00")))
    flat = Decimal(str(getattr(settings, "ORDERS_SHIPPING_FLAT", "4.90")))
    return (
        Money.zero(subtotal.currency)
        if subtotal.amount >= free_from
        else Money(flat, subtotal.currency)
    )


def reservation_seconds() -> int:
    """How long checkout holds stock for an unpaid order (ORDERS_RESERVATION_MINUTES)."""
    return int(getattr(settings, "ORDERS_RESERVATION_MINUTES", 30)) * 60


def hold_reference(
    *, customer_id: int, idempotency_key: str, attempt: int = 1, late: bool = False,
    rehold: int = 0,
) -> str:  # fmt: skip
    """The catalog reference of an order's stock hold, built from its parts (the order keeps
    them as fields: nothing parses it back). The key enters as a digest, so a key holding
    ":r2" or ":late" cannot spell another order's hold. `rehold`: the checkout's n-th hold
    after its earlier ones were released (a fault compensated) before any order was written."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    suffix = ":late" if late else (f":r{attempt}" if attempt > 1 else "")
    return f"checkout:{customer_id}:{digest}{suffix}{f':c{rehold}' if rehold else ''}"


def fingerprint(address: ShippingAddressDTO) -> str:
    return hashlib.sha256("\x1f".join(astuple(address)).encode()).hexdigest()


def order_place(
    *, customer: PaymentCustomer, address: ShippingAddressDTO, idempotency_key: str
) -> Order:
    """`order_checkout` for callers that want the order: OutOfStock when nothing was placed."""
    result = order_checkout(customer=customer, address=address, idempotency_key=idempotency_key)
    return result.placed_order()


def order_checkout(
    *, customer: PaymentCustomer, address: ShippingAddressDTO, idempotency_key: str
) -> CheckoutResult:
    """Check out the customer's cart to `address` and say what happened. Idempotent on
    (customer, key): a replay answers with the first request's order and outcome, after
    finishing whatever that request left undone. Raises InvalidRequest (a bad key),
    IdempotencyKeyReused (the key of another request), CartNotReady (empty, or a line no
    longer sold); an item that sold out is the SOLD_OUT outcome, named; a catalog or payments
    that did not answer is the UNAVAILABLE outcome (nothing charged: send the same again)."""
    problem = idempotency_key_problem(idempotency_key)
    if problem is not None:
        raise InvalidRequest(problem)
    shipping_address_check(address)
    existing = _replay(customer.customer_id, idempotency_key, address)
    if existing is not None:
        return steps.resume(existing, customer)
    try:
        cart = cart_service().get_customer_cart(customer.customer_id)
    except Unavailable as exc:  # the cart, or the catalog it prices with, did not answer
        logger.warning("no cart to check out for %s now: %s", customer.customer_id, exc)
        return CheckoutResult(Outcome.UNAVAILABLE)
    if not cart.checkout_ready and not sold_out_in_cart(cart):
        # Emptied by a twin request with this key that placed the order meanwhile?
        placed = _replay(customer.customer_id, idempotency_key, address)
        if placed is not None:
            return steps.resume(placed, customer)
        raise CartNotReady(_cart_problem(cart), details={"lines": len(cart.lines)})
    # Lines the cart flags sold out are still asked for: the catalog's answer is the one that
    # counts (a twin request with this key may hold that very stock under our reference), and
    # it names what is short the same way for everyone.
    lines = tuple(StockLine(line.product_id, line.quantity) for line in cart.lines)
    try:
        reservation = _hold(lines, customer.customer_id, idempotency_key)
    except OutOfStock as exc:
        names = {line.sku: line.name for line in cart.lines}
        return CheckoutResult(Outcome.SOLD_OUT, sold_out=sold_out_named(exc, names))
    except HoldNotAnswered as lost:
        _release_lost_hold(lost.reference, customer.customer_id, idempotency_key, address)
        return CheckoutResult(Outcome.UNAVAILABLE)
    reference = reservation.reference
    try:
        order = _create(customer, address, idempotency_key, cart, reference, reservation.expires_at)
    except IntegrityError:
        # Another request with this key won the race: answer as it does, once it is done.
        replay = _replay(customer.customer_id, idempotency_key, address)
        if replay is None:
            raise
        return steps.resume(replay, customer)
    return steps.finish(order, customer, cart_id=cart.id)


class HoldNotAnswered(Exception):  # noqa: N818  # internal signal, never escapes the saga
    def __init__(self, reference: str) -> None:
        self.reference = reference


def _hold(lines: tuple[StockLine, ...], customer_id: int, key: str) -> ReservationDTO:
    """The checkout's active hold of `lines`: the one a twin request or an unanswered earlier
    try took under this key's reference, or a new one. A reference whose hold was released
    (a fault compensated) is skipped for the next (`rehold`), so the retry holds stock again
    rather than writing an order on a released hold. HoldNotAnswered when the catalog did not
    answer (its client already repeated the call)."""
    for rehold in count():
        reference = hold_reference(customer_id=customer_id, idempotency_key=key, rehold=rehold)
        try:
            held = catalog_service().reserve_stock(lines, reference, reservation_seconds())
        except Unavailable as exc:
            logger.warning("stock for checkout %s not held: %s", reference, exc)
            raise HoldNotAnswered(reference) from exc
        if held.status is not ReservationStatus.RELEASED:
            return held
    raise AssertionError("unreachable: count() never ends")  # pragma: no cover


def _release_lost_hold(
    reference: str, customer_id: int, key: str, address: ShippingAddressDTO
) -> None:
    """Compensate a reservation the catalog may have made without answering (a timeout, an
    answer lost or garbled): release it now rather than at its expiry. Best effort: a catalog
    that is down answers nothing (and held nothing, or its expiry job gives it back). Skipped
    when a twin request with this key has meanwhile written its order on that hold."""
    if _replay(customer_id, key, address) is not None:
        return
    try:
        catalog_service().release_reservation(reference)
    except ContractError as exc:  # not found (nothing was held), or still no answer
        logger.info("lost hold %s not released now (%s): its expiry will", reference, exc.code)


def _replay(customer_id: int, key: str, address: ShippingAddressDTO) -> Order | None:
    # Unique (customer, key): the model's default ordering would only cost compile time.
    order = Order.objects.filter(customer_id=customer_id, idempotency_key=key).order_by().first()
    if order is not None and order.request_fingerprint != fingerprint(address):
        raise IdempotencyKeyReused("this idempotency key was used for another order request")
    return order


def _cart_problem(cart: CartDTO) -> str:
    if not cart.lines:
        return "your cart is empty"
    return "some items in your cart can no longer be bought: remove them to check out"


def _create(
    customer: PaymentCustomer, address: ShippingAddressDTO, key: str, cart: CartDTO,
    reference: str, expires_at: datetime,
) -> Order:  # fmt: skip
    # Priced here, line by line: the cart leaves a line it flagged sold out out of its totals,
    # and the catalog has just held that stock after all.
    subtotal = sum(
        (line.unit_price * line.quantity for line in cart.lines), Money.zero(cart.currency)
    )
    shipping = shipping_for(subtotal)
    total = subtotal + shipping
    with transaction.atomic(durable=True):
        # The first payment attempt is counted here, as the order is created: payment_start
        # comes next and needs no UPDATE of its own for it.
        order = Order.objects.create(
            number=new_number(), customer_id=customer.customer_id, email=customer.email,
            currency=total.currency, subtotal=subtotal.amount, shipping=shipping.amount,
            total=total.amount, reservation_ref=reference, reservation_expires_at=expires_at,
            idempotency_key=key, request_fingerprint=fingerprint(address),
            ship_full_name=address.full_name, ship_line1=address.line1,
            ship_line2=address.line2, ship_city=address.city,
            ship_postal_code=address.postal_code, ship_region=address.region,
            ship_country=address.country, ship_phone=address.phone, payment_attempts=1,
            checkout_lease_until=steps.lease_from_now(),
        )  # fmt: skip
        lines = OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product_id=line.product_id,
                sku=line.sku,
                name=line.name,
                unit_price=line.unit_price.amount,
                quantity=line.quantity,
                line_total=(line.unit_price * line.quantity).amount,
            )  # fmt: skip
            for line in cart.lines
        )
        OrderEvent.objects.create(
            order=order, to_status=OrderStatus.PENDING_PAYMENT.value,
            actor=f"customer:{customer.customer_id}", reason="order placed",
        )  # fmt: skip
        publish(OrderPlaced(order=order_dto(order, lines)))
    return order
