"""Figures for `/metrics` (BusinessCollector) and the dashboard.

The business day so far is asked of the services that own it, through their contracts
(`figures()` of orders, payments and catalog), wherever they run: this module reads no table
of theirs. A service that cannot answer leaves its figures out (None), and the rest are shown.
The outbox and the task queue are this process's own tables, read here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contracts.catalog.dto import CatalogFigures
from contracts.catalog.service import catalog_service
from contracts.kernel.errors import ContractError
from contracts.orders.dto import OrderFigures
from contracts.orders.service import orders_service
from contracts.payments.dto import PaymentFigures
from contracts.payments.service import payments_service
from microstore.outbox.models import Delivery

logger = logging.getLogger(__name__)


def midnight(now: datetime | None = None) -> datetime:
    """The start of today in TIME_ZONE."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def by_status(model: type[Model]) -> dict[str, int]:
    """Rows of `model` (one of this process's own tables) per status choice, zeros included."""
    counts = {
        str(row["status"]): int(row["n"])
        for row in model._default_manager.order_by().values("status").annotate(n=Count("pk"))
    }
    choices = getattr(model._meta.get_field("status"), "choices", None) or ()
    return {str(status): counts.get(str(status), 0) for status, _label in choices}


def ask[T](service: str, read: Callable[[], T]) -> T | None:
    """`read()` of `service`'s contract, or None when the service could not answer (logged)."""
    try:
        return read()
    except ContractError as exc:
        logger.warning("figures: %s did not answer (%s): %s", service, exc.code, exc.message)
        return None


@dataclass(frozen=True)
class Today:
    """The business day so far (since midnight, TIME_ZONE), as each service told it; None for a
    service that did not answer."""

    orders: OrderFigures | None
    payments: PaymentFigures | None
    catalog: CatalogFigures | None

    @property
    def orders_per_minute(self) -> dict[datetime, int] | None:
        """Orders placed in each minute since `per_minute_since` (minutes without orders are
        absent); None when the orders service did not answer."""
        if self.orders is None:
            return None
        return {row.minute: row.count for row in self.orders.placed_per_minute}

    @property
    def unavailable(self) -> tuple[str, ...]:
        """The services whose figures are missing."""
        parts = (("orders", self.orders), ("payments", self.payments), ("catalog", self.catalog))
        return tuple(service for service, answer in parts if answer is None)


def today(now: datetime | None = None, *, per_minute_since: datetime | None = None) -> Today:
    """Ask each service for today's figures (and orders per minute since `per_minute_since`)."""
    since = midnight(now)
    return Today(
        orders=ask("orders", lambda: orders_service().figures(since, per_minute_since)),
        payments=ask("payments", lambda: payments_service().figures(since)),
        catalog=ask("catalog", lambda: catalog_service().figures(since)),
    )


@dataclass(frozen=True)
class Outbox:
    deliveries: dict[str, int]  # by status
    retried: int  # needed more than one attempt (until replayed)
    oldest_pending_seconds: float  # 0 when nothing is pending
    tasks: dict[str, int]  # task queue rows by status


def outbox(now: datetime | None = None) -> Outbox:
    now = now or timezone.now()
    deliveries = Delivery.objects
    oldest = deliveries.filter(status="pending").aggregate(at=Min("event__published_at"))["at"]
    return Outbox(
        deliveries=by_status(Delivery),
        retried=deliveries.filter(attempts__gt=1).count(),
        oldest_pending_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        tasks=by_status(DBTaskResult),
    )
