"""Reads of orders. `order_for_customer` is the one check that an order is the caller's;
`order_figures` is what the ops pages count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMinute
from django.http import Http404
from django.utils import timezone

from apps.orders.models import Order
from contracts.kernel.errors import InvalidRequest
from contracts.kernel.money import Money
from contracts.orders.dto import (
    PER_MINUTE_MAX_SECONDS,
    REVENUE_STATUSES,
    MinuteCount,
    OrderFigures,
    OrderStatus,
    StatusCount,
)

PER_MINUTE_LIMIT = timedelta(seconds=PER_MINUTE_MAX_SECONDS)
_REVENUE = frozenset(status.value for status in REVENUE_STATUSES)


def customer_orders(customer_id: int) -> QuerySet[Order]:
    """The customer's orders, newest first."""
    return Order.objects.filter(customer_id=customer_id).order_by("-placed_at", "-id")


def order_for_customer(customer_id: int | None, number: object) -> Order:
    """The order `number` if, and only if, it is `customer_id`'s: else Http404, the same answer
    for someone else's order and for no order at all."""
    if customer_id is None or not isinstance(number, str) or len(number) > 20:
        raise Http404("No such order.")
    order = (
        Order.objects.filter(customer_id=customer_id, number=number)
        .prefetch_related("lines", "timeline", "refunds")
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


def order_figures(*, since: datetime, per_minute_since: datetime | None = None) -> OrderFigures:
    """Orders at a glance (`OrdersService.figures`): three aggregate queries at most."""
    if per_minute_since is not None and per_minute_since < timezone.now() - PER_MINUTE_LIMIT:
        raise InvalidRequest(
            f"orders are counted per minute at most {PER_MINUTE_MAX_SECONDS} s back",
            details={"per_minute_since": per_minute_since.isoformat()},
        )
    counts = {
        row["status"]: int(row["n"])
        for row in Order.objects.order_by().values("status").annotate(n=Count("pk"))
    }
    placed = (
        Order.objects.filter(placed_at__gte=since)
        .order_by()
        .values_list("status", "currency")
        .annotate(n=Count("pk"), total=Sum("total"))
    )
    revenue: dict[str, Decimal] = {}
    placed_count = paid = 0
    for status, currency, n, total in placed:
        placed_count += n
        if status in _REVENUE:
            paid += n
            revenue[currency] = revenue.get(currency, Decimal(0)) + total
    return OrderFigures(
        by_status=tuple(StatusCount(s, counts.get(s.value, 0)) for s in OrderStatus),
        placed=placed_count,
        paid=paid,
        revenue=tuple(Money(revenue[c], c) for c in sorted(revenue)),
        placed_per_minute=_per_minute(per_minute_since) if per_minute_since is not None else (),
    )


def _per_minute(since: datetime) -> tuple[MinuteCount, ...]:
    rows = (
        Order.objects.filter(placed_at__gte=since)
        .annotate(minute=TruncMinute("placed_at", tzinfo=UTC))
        .order_by("minute")
        .values("minute")
        .annotate(n=Count("pk"))
        .values_list("minute", "n")
    )
    return tuple(MinuteCount(minute, int(n)) for minute, n in rows)
