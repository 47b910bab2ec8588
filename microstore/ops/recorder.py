"""Per-minute samples and error records, gathered in memory and written in small batches.

`observe` is on every request and contract call, so it only touches a dict under a lock.
`maybe_flush` (end of each request, each finished task, each schedule tick) writes what has
gathered when `OPS_FLUSH_SECONDS` have passed, or at once when an error is waiting: one upsert
that adds this process's counts to the minute's row, so several processes sum up. It never
runs inside a transaction (a rollback would take the samples with it) and a failed write is
logged as a warning and retried at the next flush, never raised.
"""

from __future__ import annotations

import bisect
import logging
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from microstore.ops.models import BUCKET_FIELDS, BUCKETS, ErrorRecord, Sample

logger = logging.getLogger(__name__)

Outcome = Literal["ok", "refused", "failed"]
# calls, refused, failed, seconds, then one count per latency bucket
_CALLS, _REFUSED, _FAILED, _SECONDS, _FIRST_BUCKET = range(5)
_COLUMNS = ("calls", "refused", "failed", "seconds", *BUCKET_FIELDS)
_KEEP_MINUTES = 120  # unwritten minutes kept while the database is away
_MAX_ERRORS = 200
PROCESS = f"{socket.gethostname()}:{os.getpid()}"


class Recorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples: dict[tuple[int, str], list[float]] = {}
        self._errors: deque[dict[str, Any]] = deque(maxlen=_MAX_ERRORS)
        self._flushed_at = time.monotonic()

    def observe(self, series: str, seconds: float, outcome: Outcome = "ok") -> None:
        key = (int(time.time()) // 60, series)
        bucket = _FIRST_BUCKET + bisect.bisect_left(BUCKETS, seconds)
        with self._lock:
            row = self._samples.get(key)
            if row is None:
                row = self._samples[key] = [0.0] * len(_COLUMNS)
            row[_CALLS] += 1
            row[_SECONDS] += seconds
            row[bucket] += 1
            if outcome == "refused":
                row[_REFUSED] += 1
            elif outcome == "failed":
                row[_FAILED] += 1

    def error(self, fields: dict[str, Any]) -> None:
        with self._lock:
            self._errors.append(fields)

    def maybe_flush(self) -> None:
        interval = settings.OPS_FLUSH_SECONDS
        if not interval or (not self._errors and time.monotonic() - self._flushed_at < interval):
            return  # the common case: nothing to do, decided without touching the database
        if not connection.in_atomic_block:
            self.flush()

    def flush(self) -> int:
        """Write what has gathered; returns the number of rows written (0 on failure)."""
        with self._lock:
            samples, self._samples = self._samples, {}
            errors = list(self._errors)
            self._errors.clear()
            self._flushed_at = time.monotonic()
        if not samples and not errors:
            return 0
        try:
            with transaction.atomic():
                _upsert(sorted(samples.items()))  # one key order everywhere: no deadlocks
                ErrorRecord.objects.bulk_create(ErrorRecord(**fields) for fields in errors)
        except DatabaseError as exc:
            logger.warning("ops: %s samples and %s errors not written yet: %s",
                           len(samples), len(errors), exc)  # fmt: skip
            self._restore(samples, errors)
            return 0
        return len(samples) + len(errors)

    def _restore(self, samples: dict[tuple[int, str], list[float]], errors: list[Any]) -> None:
        oldest = int(time.time()) // 60 - _KEEP_MINUTES
        with self._lock:
            for key, row in samples.items():
                if key[0] < oldest:
                    continue
                mine = self._samples.setdefault(key, [0.0] * len(_COLUMNS))
                for i, value in enumerate(row):
                    mine[i] += value
            self._errors.extendleft(reversed(errors[-_MAX_ERRORS:]))

    def reset(self) -> None:
        """Forget everything gathered (tests)."""
        with self._lock:
            self._samples.clear()
            self._errors.clear()


def _upsert(rows: Iterable[tuple[tuple[int, str], list[float]]]) -> None:
    values: list[Any] = []
    placeholders = []
    for (minute, series), row in rows:
        at = datetime.fromtimestamp(minute * 60, tz=UTC)
        values += [connection.ops.adapt_datetimefield_value(at), series]
        values += [row[_SECONDS] if i == _SECONDS else int(v) for i, v in enumerate(row)]
        placeholders.append("(" + ", ".join(["%s"] * (len(_COLUMNS) + 2)) + ")")
    if not placeholders:
        return
    q = connection.ops.quote_name
    table = q(Sample._meta.db_table)
    names = ", ".join(q(name) for name in ("minute", "series", *_COLUMNS))
    sums = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in _COLUMNS)
    sql = (
        f"INSERT INTO {table} ({names}) VALUES {', '.join(placeholders)} "  # noqa: S608  # names are ours
        f"ON CONFLICT ({q('minute')}, {q('series')}) DO UPDATE SET {sums}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


recorder = Recorder()
