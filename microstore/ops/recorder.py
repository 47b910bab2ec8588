"""Per-minute samples and error records, gathered in memory and written in small batches.

`observe` runs on every request and contract call, so it only touches a dict under a lock.
A daemon thread per process (started by the first observation, so after gunicorn forks)
writes what has gathered every `OPS_FLUSH_SECONDS`, sooner when an error waits (but never more
than once per `ERROR_GAP`): one upsert that adds this process's counts to the minute's row, so
several processes sum up. Requests never wait for it and it never writes inside anybody's
transaction. A failed write is logged as a warning, kept for the next try with a growing
pause, and never raised. `OPS_FLUSH_SECONDS=0` turns recording off.
"""

from __future__ import annotations

import atexit
import bisect
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from django.conf import settings
from django.db import connection, connections, transaction

from microstore.ops.models import BUCKET_FIELDS, BUCKETS, ErrorRecord, Sample

logger = logging.getLogger(__name__)

Outcome = Literal["ok", "refused", "failed"]
# calls, refused, failed, seconds, then one count per latency bucket
_CALLS, _REFUSED, _FAILED, _SECONDS, _FIRST_BUCKET = range(5)
_COLUMNS = ("calls", "refused", "failed", "seconds", *BUCKET_FIELDS)
_KEEP_MINUTES = 120  # unwritten minutes kept while the database is away
_ERROR_BUFFER = 50  # errors held between writes; an error storm keeps the newest
_CHUNK = 500  # rows per INSERT: far below any driver's parameter limit
ERROR_GAP = 2.0  # seconds: the least time between two writes woken by errors
MAX_PAUSE = 300.0  # seconds: the longest pause after failed writes


class Recorder:
    def __init__(self, *, background: bool = True, clock: Callable[[], float] = time.time):
        self.background = background  # tests set False and call flush() themselves
        self._clock = clock
        self._lock = threading.Lock()
        self._samples: dict[tuple[int, str], list[float]] = {}
        self._errors: deque[dict[str, Any]] = deque(maxlen=_ERROR_BUFFER)
        self._retried_errors = False
        self._failures = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        os.register_at_fork(after_in_child=self._forget_thread)

    def observe(self, series: str, seconds: float, outcome: Outcome = "ok") -> None:
        if not settings.OPS_FLUSH_SECONDS:
            return
        key = (int(self._clock()) // 60, series)
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
        if self._thread is None and self.background:
            self._start()

    def error(self, fields: dict[str, Any]) -> None:
        if not settings.OPS_FLUSH_SECONDS:
            return
        with self._lock:
            self._errors.append(fields)
        self._wake.set()
        if self._thread is None and self.background:
            self._start()

    def flush(self) -> int:
        """Write what has gathered now; returns the number of rows written (0 on failure)."""
        with self._lock:
            samples, self._samples = self._samples, {}
            errors = list(self._errors)
            self._errors.clear()
        if not samples and not errors:
            return 0
        try:
            with transaction.atomic():
                _upsert(sorted(samples.items()))  # one key order everywhere: no deadlocks
                ErrorRecord.objects.bulk_create(ErrorRecord(**fields) for fields in errors)
        except Exception as exc:  # noqa: BLE001  # a failed write is reported, never raised
            self._failures += 1
            logger.warning("ops: %s samples and %s errors not written (attempt %s): %s",
                           len(samples), len(errors), self._failures, exc)  # fmt: skip
            self._restore(samples, errors)
            return 0
        self._failures = 0
        self._retried_errors = False
        return len(samples) + len(errors)

    def _restore(self, samples: dict[tuple[int, str], list[float]], errors: list[Any]) -> None:
        oldest = int(self._clock()) // 60 - _KEEP_MINUTES
        with self._lock:
            for key, row in samples.items():
                if key[0] < oldest:
                    continue
                mine = self._samples.setdefault(key, [0.0] * len(_COLUMNS))
                for i, value in enumerate(row):
                    mine[i] += value
            if errors and not self._retried_errors:  # errors get one more try, then go:
                self._retried_errors = True  # a record the database refuses must not block
                self._errors = deque([*errors, *self._errors], maxlen=_ERROR_BUFFER)

    # The writer thread

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="ops-recorder", daemon=True)
        self._stop.clear()
        self._thread.start()
        atexit.register(self.stop)

    def _run(self) -> None:
        while not self._stop.is_set():
            pause = min(settings.OPS_FLUSH_SECONDS * 2**self._failures, MAX_PAUSE)
            self._wake.wait(pause)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self.flush()
            finally:
                connections.close_all()  # this thread's connections only
            self._stop.wait(ERROR_GAP)

    def stop(self) -> None:
        """Stop the writer thread (if any) and write what is left."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._stop.set()
            self._wake.set()
            thread.join(timeout=5)
        self._thread = None
        self.flush()

    def _forget_thread(self) -> None:
        """In a forked child: the parent's thread did not come along; the next observation
        starts one. What the parent had gathered is the parent's to write."""
        self._thread = None
        self._lock = threading.Lock()
        self._samples = {}
        self._errors.clear()

    def reset(self) -> None:
        """Forget everything gathered (tests)."""
        with self._lock:
            self._samples.clear()
            self._errors.clear()
        self._failures = 0
        self._retried_errors = False


def _upsert(rows: Sequence[tuple[tuple[int, str], list[float]]]) -> None:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"ops samples need PostgreSQL or SQLite, not {connection.vendor}")
    for start in range(0, len(rows), _CHUNK):
        _insert(rows[start : start + _CHUNK])


def _insert(rows: Iterable[tuple[tuple[int, str], list[float]]]) -> None:
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
