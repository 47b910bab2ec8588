"""Stock reservations: the saga steps other services call (reserve, commit, release) and expiry.

Every change to `Stock` is one conditional UPDATE (`reserved + n <= on_hand`), so two checkouts
can never both take the last unit, whatever the isolation level. Rows are touched in product id
order, so reservations of the same products in any order cannot deadlock.

A reservation costs one transaction of 2 + lines statements: the reservation row (its unique
reference makes a replay fail at once), one conditional UPDATE per line (which also requires the
product to be for sale), the lines. Only when a line falls short are the products read, to say
why (unknown, not for sale, or out of stock).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from apps.catalog.models import Product, Reservation, ReservationLine, Stock
from contracts.catalog.errors import (
    InactiveProduct,
    OutOfStock,
    ProductNotFound,
    ReservationMismatch,
    ReservationNotFound,
    ReservationReleased,
)
from contracts.catalog.events import ReservationExpired
from contracts.kernel.errors import Conflict, InvalidRequest
from contracts.kernel.events import publish

logger = logging.getLogger(__name__)
MAX_TTL = timedelta(days=7)
Status = Reservation.Status


class _Short(Exception):  # noqa: N818  # internal signal to roll back, never escapes
    def __init__(self, wanted: dict[int, int]) -> None:
        self.wanted = wanted


def merge_lines(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    """(product id, quantity) pairs added up per product, in product id order: what a
    reservation of `lines` holds. InvalidRequest for an empty list or a quantity below 1."""
    wanted: Counter[int] = Counter()
    for product_id, quantity in lines:
        if quantity < 1:
            raise InvalidRequest(f"quantity must be at least 1, got {quantity}")
        wanted[product_id] += quantity
    if not wanted:
        raise InvalidRequest("a reservation needs at least one line")
    return dict(sorted(wanted.items()))


def stock_reserve(
    *, lines: Iterable[tuple[int, int]], reference: str, ttl: timedelta
) -> Reservation:
    """Hold every line or none; idempotent on `reference` (see the catalog contract)."""
    if not reference or len(reference) > 100:
        raise InvalidRequest("a reservation reference is 1 to 100 characters")
    if not timedelta(0) < ttl <= MAX_TTL:
        raise InvalidRequest(f"ttl must be between 1 second and {MAX_TTL}")
    wanted = merge_lines(lines)
    for_sale = Exists(Product.objects.filter(pk=OuterRef("product_id"), is_active=True))
    try:
        with transaction.atomic(durable=True):
            # First: a reference already used (a replay, or a twin request that won the race)
            # fails here on its unique constraint, before any stock is touched.
            reservation = Reservation.objects.create(
                reference=reference, expires_at=timezone.now() + ttl
            )
            short = {
                pid: qty
                for pid, qty in wanted.items()
                if not Stock.objects.filter(
                    for_sale, product_id=pid, on_hand__gte=F("reserved") + qty
                ).update(reserved=F("reserved") + qty)
            }
            if short:
                raise _Short(short)
            ReservationLine.objects.bulk_create(
                ReservationLine(reservation=reservation, product_id=pid, quantity=qty)
                for pid, qty in wanted.items()
            )
    except _Short as short:
        _check_products(wanted)  # unknown or not for sale: say so rather than "out of stock"
        raise _out_of_stock(short.wanted) from None
    except IntegrityError:
        # The reference is taken: answer as a replay would.
        existing = Reservation.objects.filter(reference=reference).first()
        if existing is None:
            raise
        return _same_or_mismatch(existing, wanted)
    return reservation


def _check_products(wanted: dict[int, int]) -> None:
    found = dict(Product.objects.filter(pk__in=wanted).values_list("pk", "is_active").order_by())
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise ProductNotFound(f"no product with id {missing}", details={"ids": missing})
    inactive = [pid for pid, active in found.items() if not active]
    if inactive:
        skus = sorted(Product.objects.filter(pk__in=inactive).values_list("sku", flat=True))
        raise InactiveProduct(f"not for sale: {', '.join(skus)}", details={"skus": skus})


def _out_of_stock(wanted: dict[int, int]) -> OutOfStock:
    rows = Stock.objects.filter(product_id__in=wanted).select_related("product").order_by("pk")
    left = {row.product_id: (row.product.sku, row.available) for row in rows}
    items = [
        {"sku": left[pid][0], "requested": qty, "available": max(left[pid][1], 0)}
        for pid, qty in wanted.items()
        if pid in left
    ]
    names = ", ".join(f"{i['sku']} (only {i['available']} left)" for i in items)
    return OutOfStock(f"not enough stock: {names}", details={"items": items})


def _same_or_mismatch(reservation: Reservation, wanted: dict[int, int]) -> Reservation:
    held = dict(reservation.lines.values_list("product_id", "quantity"))
    if held != wanted:
        raise ReservationMismatch(
            f"reference {reservation.reference!r} already holds other items",
            details={"reference": reservation.reference},
        )
    return reservation


def _locked(reference: str) -> Reservation:
    try:
        return Reservation.objects.select_for_update().get(reference=reference)
    except Reservation.DoesNotExist:
        raise ReservationNotFound(
            f"no reservation {reference!r}", details={"reference": reference}
        ) from None


def _lines(reservation: Reservation) -> list[tuple[int, int]]:
    return list(reservation.lines.order_by("product_id").values_list("product_id", "quantity"))


def stock_commit(*, reference: str) -> Reservation:
    """Held stock becomes sold stock. Idempotent; a released reservation cannot be committed."""
    with transaction.atomic(durable=True):
        reservation = _locked(reference)
        if reservation.status == Status.COMMITTED:
            return reservation
        if reservation.status == Status.RELEASED:
            raise ReservationReleased(
                f"reservation {reference!r} was released ({reservation.release_reason})",
                details={"reference": reference, "reason": reservation.release_reason},
            )
        for product_id, quantity in _lines(reservation):
            Stock.objects.filter(product_id=product_id).update(
                on_hand=F("on_hand") - quantity, reserved=F("reserved") - quantity
            )
        reservation.status = Status.COMMITTED
        reservation.save(update_fields=["status", "updated_at"])
    return reservation


def stock_release(*, reference: str, reason: str = "released") -> Reservation:
    """Held stock goes back on sale. Idempotent; a committed reservation cannot be released."""
    with transaction.atomic(durable=True):
        reservation = _locked(reference)
        _release_locked(reservation, reason)
    return reservation


def stock_restock(*, reference: str) -> Reservation:
    """Sold stock goes back on the shelf (a cancelled, unshipped order). Idempotent."""
    with transaction.atomic(durable=True):
        reservation = _locked(reference)
        if reservation.status == Status.RELEASED and reservation.release_reason == "restocked":
            return reservation
        if reservation.status != Status.COMMITTED:
            raise Conflict(
                f"reservation {reference!r} was never sold: release it instead",
                details={"reference": reference, "status": reservation.status},
            )
        for product_id, quantity in _lines(reservation):
            Stock.objects.filter(product_id=product_id).update(on_hand=F("on_hand") + quantity)
        reservation.status = Status.RELEASED
        reservation.release_reason = "restocked"
        reservation.save(update_fields=["status", "release_reason", "updated_at"])
    return reservation


def _release_locked(reservation: Reservation, reason: str) -> bool:
    if reservation.status == Status.RELEASED:
        return False
    if reservation.status == Status.COMMITTED:
        raise Conflict(
            f"reservation {reservation.reference!r} is committed: its stock is sold",
            details={"reference": reservation.reference},
        )
    for product_id, quantity in _lines(reservation):
        Stock.objects.filter(product_id=product_id).update(reserved=F("reserved") - quantity)
    reservation.status = Status.RELEASED
    reservation.release_reason = reason[:100]
    reservation.save(update_fields=["status", "release_reason", "updated_at"])
    return True


def reservations_release_expired(*, limit: int = 200) -> int:
    """Release active reservations past their expiry (a periodic task); returns how many.

    Each is its own transaction with its `ReservationExpired` event, so one bad row cannot
    hold the others back and a crash loses nothing."""
    due = list(
        Reservation.objects.filter(status=Status.ACTIVE, expires_at__lt=timezone.now())
        .order_by("expires_at")
        .values_list("reference", flat=True)[:limit]
    )
    released = 0
    for reference in due:
        with transaction.atomic(durable=True):
            reservation = _locked(reference)
            if reservation.status == Status.ACTIVE and reservation.expires_at < timezone.now():
                _release_locked(reservation, Reservation.EXPIRED)
                publish(ReservationExpired(reference=reference))
                released += 1
    if released:
        logger.info("released %s expired reservation(s)", released)
    return released
