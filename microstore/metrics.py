"""Prometheus metrics, served at /metrics to staff or to a bearer of METRICS_TOKEN.

Measured as it happens (cheap, in memory): every contract call (`microstore.instrument`, by
service, method and outcome) and every HTTP request (`MetricsMiddleware`, by route pattern).
Read from the database at scrape time (`BusinessCollector`, no writes on hot paths): the outbox,
the task queue, orders, revenue, failed payments and expired reservations. Oversell attempts
refused are contract calls already:
``microstore_contract_calls_total{service="catalog",method="reserve_stock",outcome="out_of_stock"}``.

Under gunicorn the web role sets PROMETHEUS_MULTIPROC_DIR (docker/entrypoint.sh): each worker
writes its samples there and a scrape merges them all (`MultiProcessCollector`); without it (dev,
tests) the process's default registry is served.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import Count, Min, Model, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

CONTRACT_CALLS = Counter(
    "microstore_contract_calls",
    "Contract calls by service, method and outcome (ok, the ContractError code, or exception).",
    ("service", "method", "outcome"),
)
CONTRACT_SECONDS = Histogram(
    "microstore_contract_call_seconds",
    "Duration of contract calls, by service and method.",
    ("service", "method"),
)
HTTP_REQUESTS = Counter(
    "microstore_http_requests",
    "HTTP requests by route pattern, method and status.",
    ("route", "method", "status"),
)
HTTP_SECONDS = Histogram(
    "microstore_http_request_seconds",
    "Duration of HTTP requests, by route pattern.",
    ("route",),
)

REVENUE_STATUSES = ("paid", "fulfilled", "delivered")


def observe_contract_call(service: str, method: str, outcome: str, seconds: float) -> None:
    CONTRACT_CALLS.labels(service, method, outcome).inc()
    CONTRACT_SECONDS.labels(service, method).observe(seconds)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_SECONDS.labels(route).observe(seconds)


def _count_by_status(
    name: str, documentation: str, model: type[Model], rows: Iterable[dict[str, object]]
) -> GaugeMetricFamily:
    """One sample per status choice of `model` (zeros included), from `status`/`n` rows."""
    counts = {str(row["status"]): row["n"] for row in rows}
    family = GaugeMetricFamily(name, documentation, labels=("status",))
    for status, _label in getattr(model._meta.get_field("status"), "choices", None) or ():
        family.add_metric((str(status),), float(str(counts.get(str(status), 0))))
    return family


def _by_status(model: type[Model]) -> Iterable[dict[str, object]]:
    return list(model._default_manager.order_by().values("status").annotate(n=Count("pk")))


class BusinessCollector(Collector):
    """Figures read from the database at each scrape; a failing query never fails the scrape."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "microstore_business_metrics_up", "1 when the database figures below could be read."
        )
        try:
            families = list(self._families())
        except DatabaseError:
            logger.exception("metrics: reading the business figures failed")
            families = []
        up.add_metric((), 1.0 if families else 0.0)
        yield up
        yield from families

    def _families(self) -> Iterator[Metric]:
        now = timezone.now()
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        yield from self._outbox(now)
        task = apps.get_model("django_tasks_database", "DBTaskResult")
        yield _count_by_status("microstore_tasks", "Tasks by status.", task, _by_status(task))
        yield from self._orders(midnight)
        yield from self._payments_and_stock(midnight)

    @staticmethod
    def _outbox(now: datetime) -> Iterator[Metric]:
        delivery = apps.get_model("outbox", "Delivery")
        yield _count_by_status(
            "microstore_outbox_deliveries",
            "Outbox deliveries by status.",
            delivery,
            _by_status(delivery),
        )
        retried = delivery._default_manager.filter(attempts__gt=1).count()
        yield GaugeMetricFamily(
            "microstore_outbox_retried_deliveries",
            "Deliveries that needed more than one attempt (until replayed).",
            value=retried,
        )
        oldest = delivery._default_manager.filter(status="pending").aggregate(
            at=Min("event__published_at")
        )["at"]
        yield GaugeMetricFamily(
            "microstore_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending delivery's event (0 when none is pending).",
            value=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        )

    @staticmethod
    def _orders(midnight: datetime) -> Iterator[Metric]:
        order = apps.get_model("orders", "Order")
        yield _count_by_status("microstore_orders", "Orders by status.", order, _by_status(order))
        today = order._default_manager.filter(placed_at__gte=midnight)
        yield GaugeMetricFamily(
            "microstore_orders_placed_today",
            "Orders placed since midnight (TIME_ZONE).",
            value=today.count(),
        )
        revenue = GaugeMetricFamily(
            "microstore_revenue_today",
            "Total of the orders placed since midnight that are paid, fulfilled or delivered.",
            labels=("currency",),
        )
        rows = (
            today.filter(status__in=REVENUE_STATUSES)
            .order_by()
            .values("currency")
            .annotate(total=Sum("total"))
        )
        for row in rows:
            revenue.add_metric((row["currency"],), float(row["total"]))
        yield revenue

    @staticmethod
    def _payments_and_stock(midnight: datetime) -> Iterator[Metric]:
        payment = apps.get_model("payments", "Payment")
        failed = payment._default_manager.filter(status="failed", updated_at__gte=midnight)
        yield GaugeMetricFamily(
            "microstore_payments_failed_today",
            "Payments that failed since midnight (TIME_ZONE).",
            value=failed.count(),
        )
        reservation = apps.get_model("catalog", "Reservation")
        yield GaugeMetricFamily(
            "microstore_reservations_expired",
            "Stock reservations released because they expired.",
            value=reservation._default_manager.filter(
                status="released", release_reason="expired"
            ).count(),
        )


class _Default(Collector):
    """The process's own metrics (the default registry), inside a per-scrape registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def scrape_registry() -> CollectorRegistry:
    """What one scrape reads: every worker's samples (multiprocess) or this process's."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
    else:
        registry.register(_Default())
    registry.register(BusinessCollector())
    return registry


def allowed(request: HttpRequest) -> bool:
    """Staff, or `Authorization: Bearer <METRICS_TOKEN>` when the token is configured."""
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        return True
    token: str | None = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        raise PermissionDenied("metrics are for staff or a bearer of METRICS_TOKEN")
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
