"""Everything the ops dashboard shows, gathered in one place (the view only renders it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from contracts.kernel.money import Money
from contracts.notifications.service import notifications_service
from microstore.ops import figures, probes, readings
from microstore.ops.charts import Chart, line_chart
from microstore.ops.models import ErrorRecord
from microstore.ops.readings import Stats
from microstore.outbox.models import Delivery
from microstore.templatetags.ops import ms

CHART_MINUTES = 60
RATE_MINUTES = 5  # calls/min, latency and error rate of the services table
PROBE_MAX_AGE = 30.0  # seconds: older probes are taken again when the board is drawn
# The catalog refusing a reservation for want of stock: an oversell prevented.
OVERSELL_SERIES = f"catalog.reserve_stock{readings.REFUSAL}out_of_stock"


@dataclass(frozen=True)
class ServiceRow:
    probe: probes.Probe
    stats: Stats

    @property
    def calls_per_minute(self) -> float:
        return self.stats.calls / RATE_MINUTES


def _count(value: float) -> str:
    return f"{value:,.0f}"


def charts(http: list[tuple[datetime, Stats]], orders: dict[datetime, int] | None) -> list[Chart]:
    """The last CHART_MINUTES complete minutes (the current one is still being written); the
    orders chart is a gap when the orders service did not answer."""
    return [
        line_chart("Requests per minute", [s.calls for _, s in http], _count, CHART_MINUTES),
        line_chart("Latency p95", [s.p95 for _, s in http], ms, CHART_MINUTES),
        line_chart(
            "Orders per minute",
            [None if orders is None else orders.get(minute, 0) for minute, _ in http],
            _count,
            CHART_MINUTES,
        ),
    ]


def board(now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    stats = readings.by_service(RATE_MINUTES, now - timedelta(minutes=1))  # complete minutes
    services = [
        ServiceRow(probe, stats.get(probe.service, Stats()))
        for probe in probes.services(max_age=PROBE_MAX_AGE)
    ]
    since = figures.midnight(now)
    http = readings.per_minute(readings.HTTP, CHART_MINUTES, now - timedelta(minutes=1))
    today = figures.today(now, per_minute_since=http[0][0])
    revenue = None if today.orders is None else today.orders.revenue
    return {
        "now": now,
        "services": services,
        "unhealthy": [row.probe.service for row in services if not row.probe.ok],
        "charts": charts(http, today.orders_per_minute),
        "today": today,
        "revenue": None if revenue is None else revenue or (Money.zero(settings.CATALOG_CURRENCY),),
        "oversell_refused": readings.total([OVERSELL_SERIES], since).calls,
        "outbox": figures.outbox(now),
        "dead": list(
            Delivery.objects.filter(status=Delivery.Status.DEAD)
            .select_related("event")
            .order_by("-updated_at")[:10]
        ),
        "failed_notifications": figures.ask(
            "notifications", lambda: notifications_service().recent_failures(10)
        ),
        "errors": list(ErrorRecord.objects.all()[:10]),
        "rate_minutes": RATE_MINUTES,
        "chart_minutes": CHART_MINUTES,
    }
