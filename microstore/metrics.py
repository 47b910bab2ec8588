"""Prometheus metrics, served at /metrics to staff or to a bearer of METRICS_TOKEN.

Measured as it happens (cheap, in memory): every contract call (`microstore.instrument`, by
service, method and outcome: ``ok``, the `ContractError` code such as ``out_of_stock``, or, when
the service could not answer, ``unavailable`` / ``timeout``; ``exception`` for a bug) and every
HTTP request (`MetricsMiddleware`, by route pattern).
Read at scrape time (`BusinessCollector`, no writes on hot paths): the outbox and the task queue
from this process's tables; orders, revenue, failed payments and expired reservations asked of
the services that own them through their contracts (`figures()`). Oversell attempts
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
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
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

from contracts.catalog.dto import CatalogFigures
from contracts.catalog.service import catalog_service
from contracts.kernel.errors import ContractError, Unavailable, error_class_for
from contracts.orders.dto import OrderFigures
from contracts.orders.service import orders_service
from contracts.payments.dto import PaymentFigures
from contracts.payments.service import payments_service
from microstore.ops import figures
from microstore.ops.readings import REFUSAL
from microstore.ops.recorder import Outcome, recorder

logger = logging.getLogger(__name__)

CONTRACT_CALLS = Counter(
    "microstore_contract_calls",
    "Contract calls by service, method and outcome (ok, the ContractError code, e.g. "
    "out_of_stock, unavailable, timeout; or exception).",
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


def outcome_kind(outcome: str) -> Outcome:
    """How the dashboard counts an outcome: ``ok``; ``failed`` for an exception or a service
    that could not answer (`Unavailable` and its kin: ``unavailable``, ``timeout``,
    ``gateway_unavailable``); ``refused`` for any other contract error (``out_of_stock``)."""
    if outcome == "ok":
        return "ok"
    if outcome == "exception" or issubclass(error_class_for(outcome), Unavailable):
        return "failed"
    return "refused"


def observe_contract_call(service: str, method: str, outcome: str, seconds: float) -> None:
    CONTRACT_CALLS.labels(service, method, outcome).inc()
    CONTRACT_SECONDS.labels(service, method).observe(seconds)
    kind = outcome_kind(outcome)
    recorder.observe(f"{service}.{method}", seconds, kind)
    if kind == "refused":  # which refusal, for the dashboard (e.g. oversells prevented)
        recorder.observe(f"{service}.{method}{REFUSAL}{outcome}", seconds, kind)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_SECONDS.labels(route).observe(seconds)
    recorder.observe(
        "http", seconds, "failed" if status >= 500 else "refused" if status >= 400 else "ok"
    )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _by_status(name: str, documentation: str, counts: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=("status",))
    for status, count in counts.items():
        family.add_metric((status,), float(count))
    return family


class BusinessCollector(Collector):
    """Figures read at each scrape: this process's outbox and task queue from its tables, the
    business day from each service's contract. A part that cannot be read (a failing query, a
    service that does not answer) is left out; the others are served and the scrape never
    fails."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "microstore_business_metrics_up",
            "1 when every figure below could be read (this process's tables and each service's "
            "figures through its contract).",
        )
        since = figures.midnight()
        parts: tuple[Callable[[], Iterator[Metric]], ...] = (
            self._outbox,
            lambda: self._orders(orders_service().figures(since)),
            lambda: self._payments(payments_service().figures(since)),
            lambda: self._catalog(catalog_service().figures(since)),
        )
        families: list[Metric] = []
        complete = True
        for part in parts:
            try:
                families.extend(part())
            except DatabaseError:
                logger.exception("metrics: reading the business figures failed")
                complete = False
            except ContractError as exc:
                logger.warning("metrics: business figures missing (%s): %s", exc.code, exc.message)
                complete = False
        up.add_metric((), 1.0 if complete else 0.0)
        yield up
        yield from families

    @staticmethod
    def _outbox() -> Iterator[Metric]:
        queue = figures.outbox()
        yield _by_status(
            "microstore_outbox_deliveries", "Outbox deliveries by status.", queue.deliveries
        )
        yield _gauge(
            "microstore_outbox_retried_deliveries",
            "Deliveries that needed more than one attempt (until replayed).",
            queue.retried,
        )
        yield _gauge(
            "microstore_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending delivery's event (0 when none is pending).",
            queue.oldest_pending_seconds,
        )
        yield _by_status("microstore_tasks", "Tasks by status.", queue.tasks)

    @staticmethod
    def _orders(day: OrderFigures) -> Iterator[Metric]:
        yield _by_status(
            "microstore_orders",
            "Orders by status.",
            {row.status.value: row.count for row in day.by_status},
        )
        yield _gauge(
            "microstore_orders_placed_today",
            "Orders placed since midnight (TIME_ZONE).",
            day.placed,
        )
        yield _gauge(
            "microstore_orders_paid_today",
            "Orders placed since midnight that are paid, fulfilled or delivered.",
            day.paid,
        )
        revenue = GaugeMetricFamily(
            "microstore_revenue_today",
            "Total of the orders placed since midnight that are paid, fulfilled or delivered.",
            labels=("currency",),
        )
        for money in day.revenue:
            revenue.add_metric((money.currency,), float(money.amount))
        yield revenue

    @staticmethod
    def _payments(day: PaymentFigures) -> Iterator[Metric]:
        yield _gauge(
            "microstore_payments_failed_today",
            "Payments that failed since midnight (TIME_ZONE).",
            day.failed,
        )

    @staticmethod
    def _catalog(day: CatalogFigures) -> Iterator[Metric]:
        yield _gauge(
            "microstore_reservations_expired_today",
            "Stock reservations released since midnight because they expired.",
            day.reservations_expired,
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
