"""Reading the per-minute samples: series for the charts, rates and percentiles per service."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from microstore.ops.models import BUCKET_FIELDS, BUCKETS, Sample

HTTP = "http"
# "<service>.<method>!<code>": the refusals of one method by ContractError code, apart from the
# method's own series (which counts them too).
REFUSAL = "!"


def quantile(buckets: Sequence[int], q: float) -> float | None:
    """The q-quantile (seconds) of a bucketed histogram, interpolated inside its bucket the way
    Prometheus' histogram_quantile does; None without observations. The open last bucket
    answers its lower bound."""
    total = sum(buckets)
    if not total:
        return None
    rank = q * total
    seen = 0
    for i, count in enumerate(buckets):
        if count and seen + count >= rank:
            if i >= len(BUCKETS):
                return BUCKETS[-1]
            lower = BUCKETS[i - 1] if i else 0.0
            return lower + (BUCKETS[i] - lower) * (rank - seen) / count
        seen += count
    return BUCKETS[-1]


@dataclass(frozen=True)
class Stats:
    """Calls of one series (or several summed) over a window."""

    calls: int = 0
    refused: int = 0
    failed: int = 0
    seconds: float = 0.0
    buckets: tuple[int, ...] = (0,) * len(BUCKET_FIELDS)

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            self.calls + other.calls,
            self.refused + other.refused,
            self.failed + other.failed,
            self.seconds + other.seconds,
            tuple(a + b for a, b in zip(self.buckets, other.buckets, strict=True)),
        )

    @property
    def p50(self) -> float | None:
        return quantile(self.buckets, 0.5)

    @property
    def p95(self) -> float | None:
        return quantile(self.buckets, 0.95)

    @property
    def error_rate(self) -> float | None:
        """Share of calls that failed (exceptions; refusals by contract are not errors)."""
        return self.failed / self.calls if self.calls else None


_SUMS = {name: Sum(name) for name in ("calls", "refused", "failed", "seconds", *BUCKET_FIELDS)}


def _stats(row: Mapping[str, Any]) -> Stats:
    """A row of Sum()s; a sum over no rows is None."""

    def whole(name: str) -> int:
        return int(row[name] or 0)

    return Stats(
        calls=whole("calls"),
        refused=whole("refused"),
        failed=whole("failed"),
        seconds=float(row["seconds"] or 0.0),
        buckets=tuple(whole(name) for name in BUCKET_FIELDS),
    )


def this_minute(now: datetime | None = None) -> datetime:
    return (now or timezone.now()).replace(second=0, microsecond=0)


def per_minute(
    series: str, minutes: int, now: datetime | None = None
) -> list[tuple[datetime, Stats]]:
    """The last `minutes` minutes of `series`, oldest first, empty minutes included."""
    end = this_minute(now)
    start = end - timedelta(minutes=minutes - 1)
    rows = (
        Sample.objects.filter(series=series, minute__gte=start)
        .order_by()
        .values("minute")
        .annotate(**_SUMS)
    )
    found = {row["minute"]: _stats(row) for row in rows}
    return [
        (start + timedelta(minutes=i), found.get(start + timedelta(minutes=i), Stats()))
        for i in range(minutes)
    ]


def by_service(minutes: int, now: datetime | None = None) -> dict[str, Stats]:
    """Contract calls of the last `minutes` minutes, summed per service."""
    since = this_minute(now) - timedelta(minutes=minutes - 1)
    rows = (
        Sample.objects.filter(minute__gte=since, minute__lt=this_minute(now) + timedelta(minutes=1))
        .exclude(series=HTTP)
        .exclude(series__contains=REFUSAL)
        .order_by()
        .values("series")
        .annotate(**_SUMS)
    )
    services: dict[str, Stats] = {}
    for row in rows:
        service = str(row["series"]).partition(".")[0]
        services[service] = services.get(service, Stats()) + _stats(row)
    return services


def total(series: Iterable[str], since: datetime) -> Stats:
    """Everything recorded for `series` since `since`."""
    row = Sample.objects.filter(series__in=list(series), minute__gte=since).aggregate(**_SUMS)
    return _stats(row)
