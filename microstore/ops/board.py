"""Everything the ops dashboard shows, gathered in one place (the view only renders it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from contracts.kernel.money import Money
from contracts.notifications.service import notifications_service
from microstore.ops import figures, probes, processes, readings
from microstore.ops.charts import Chart, line_chart
from microstore.ops.models import ErrorRecord
from microstore.ops.readings import Stats
from microstore.outbox.models import Delivery
from microstore.templatetags.ops import ms

CHART_MINUTES = 60
RATE_MINUTES = 5  # calls/min, latency and error rate of the services table
# Seconds: older probes are taken again when the board is drawn. With the board polled every
# 10 s (views.REFRESH_SECONDS), a service that stops answering its probe turns red within
# PROBE_MAX_AGE + 10 s < 30 s; a process of the split that stops answering its readings turns
# red on the very next refresh (`_with_views`).
PROBE_MAX_AGE = 15.0
# The catalog refusing a reservation for want of stock: an oversell prevented.
OVERSELL_SERIES = f"catalog.reserve_stock{readings.REFUSAL}out_of_stock"


@dataclass(frozen=True)
class ServiceRow:
    """One service: in-process, the calls this process made to it; in its own process, the
    requests that process served, as it answered (`process`)."""

    probe: probes.Probe
    stats: Stats
    process: processes.ProcessView | None = None

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


def _row(
    probe: probes.Probe, stats: Stats, view: processes.ProcessView | processes.NoView | None
) -> ServiceRow:
    """A service's row; one whose process did not answer its readings is failing, naming why,
    whatever its last remembered probe said (which is taken again, for /health/ and the API)."""
    if view is None:
        return ServiceRow(probe, stats)
    if isinstance(view, processes.NoView):
        probe = probes.probe(probe.service)
        if probe.ok:
            probe = replace(probe, ok=False, detail=str(view))
        return ServiceRow(probe, Stats())
    return ServiceRow(probe, view.requests, view)


def board(now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    stats = readings.by_service(RATE_MINUTES, now - timedelta(minutes=1))  # complete minutes
    views = processes.remote_views()  # {} in the monolith: every service is served here
    services = [
        _row(probe, stats.get(probe.service, Stats()), views.get(probe.service))
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
        "processes": [row.process for row in services if row.process is not None],
        "rate_minutes": RATE_MINUTES,
        "chart_minutes": CHART_MINUTES,
    }
