"""Figures read from the database: the business day so far, the outbox and the task queue.

Shared by `/metrics` (BusinessCollector) and the dashboard. They read the apps' tables through
the app registry (no imports of app code): every service is bound `local` today; a service
that moves out of process will answer these through its contract instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Min, Model, Sum
from django.db.models.functions import TruncMinute
from django.utils import timezone

from contracts.kernel.money import Money

REVENUE_STATUSES = ("paid", "fulfilled", "delivered")


def _model(label: str) -> type[Model]:
    return apps.get_model(label)


def midnight(now: datetime | None = None) -> datetime:
    """The start of today in TIME_ZONE."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def by_status(label: str) -> dict[str, int]:
    """Rows of `label` per status choice, zeros included."""
    model = _model(label)
    counts = {
        str(row["status"]): int(row["n"])
        for row in model._default_manager.order_by().values("status").annotate(n=Count("pk"))
    }
    choices = getattr(model._meta.get_field("status"), "choices", None) or ()
    return {str(status): counts.get(str(status), 0) for status, _label in choices}


@dataclass(frozen=True)
class Today:
    """The business day so far (since midnight, TIME_ZONE)."""

    orders_placed: int
    orders_paid: int
    revenue: tuple[Money, ...]  # one per currency, paid/fulfilled/delivered orders placed today
    payments_failed: int
    reservations_expired: int


def today(now: datetime | None = None) -> Today:
    since = midnight(now)
    placed = _model("orders.Order")._default_manager.filter(placed_at__gte=since)
    paid = placed.filter(status__in=REVENUE_STATUSES)
    revenue = paid.order_by("currency").values("currency").annotate(total=Sum("total"))
    payments = _model("payments.Payment")._default_manager
    reservations = _model("catalog.Reservation")._default_manager
    return Today(
        orders_placed=placed.count(),
        orders_paid=paid.count(),
        revenue=tuple(Money(Decimal(row["total"]), row["currency"]) for row in revenue),
        payments_failed=payments.filter(status="failed", updated_at__gte=since).count(),
        reservations_expired=reservations.filter(
            status="released", release_reason="expired", updated_at__gte=since
        ).count(),
    )


def orders_per_minute(since: datetime) -> dict[datetime, int]:
    """Orders placed in each minute since `since` (minutes without orders are absent)."""
    rows = (
        _model("orders.Order")
        ._default_manager.filter(placed_at__gte=since)
        .annotate(minute=TruncMinute("placed_at", tzinfo=UTC))  # the samples' minutes
        .order_by()
        .values("minute")
        .annotate(n=Count("pk"))
    )
    return {row["minute"]: int(row["n"]) for row in rows}


@dataclass(frozen=True)
class Outbox:
    deliveries: dict[str, int]  # by status
    retried: int  # needed more than one attempt (until replayed)
    oldest_pending_seconds: float  # 0 when nothing is pending
    tasks: dict[str, int]  # task queue rows by status


def outbox(now: datetime | None = None) -> Outbox:
    now = now or timezone.now()
    delivery = _model("outbox.Delivery")._default_manager
    oldest = delivery.filter(status="pending").aggregate(at=Min("event__published_at"))["at"]
    return Outbox(
        deliveries=by_status("outbox.Delivery"),
        retried=delivery.filter(attempts__gt=1).count(),
        oldest_pending_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        tasks=by_status("django_tasks_database.DBTaskResult"),
    )
