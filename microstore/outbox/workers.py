"""A task worker that dies (`kill -9`, out of memory, a lost node) loses no task.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a
worker that dies leaves it RUNNING for ever (upstream django-tasks issue #46). So each
`manage.py run_worker` beats (its `WorkerBeat` row, renewed every `TASK_HEARTBEAT_SECONDS`),
and the periodic sweep hands back every RUNNING task whose worker has been silent for
`TASK_LEASE_SECONDS`; a worker that never beat (a bare `db_worker`) is judged by when its task
started. The sweep knows no task by name: outbox deliveries, emails and periodic jobs alike.

Handing back marks the old row FAILED with `WorkerLost` (the admin shows what happened) and
enqueues a fresh task with the same path, arguments, queue, priority and request id. It does
not reset the row to READY: a worker presumed dead that was only cut off would later write its
result over the reset row, while a fresh row keeps the two runs apart. Every task's work is
idempotent (deliveries and emails claim their own rows with a lease), so a second run is safe.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

from microstore import context
from microstore.outbox.models import WorkerBeat
from microstore.outbox.tracing import KEY as REQUEST_ID_KEY

logger = logging.getLogger(__name__)
RUNNING, FAILED = "RUNNING", "FAILED"
BATCH = 500


class WorkerLost(Exception):  # noqa: N818  # the name a task row records as its cause
    """Recorded on a task whose worker stopped beating while it ran."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def new_worker_id() -> str:
    """Unique across the pool and readable in the admin: host, pid and a random suffix."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"[:64]


def beat(worker_id: str, *, pid: int | None = None, host: str | None = None) -> None:
    """Renew `worker_id`'s lease on life (creating its row on the first beat)."""
    now = timezone.now()
    if WorkerBeat.objects.filter(pk=worker_id).update(seen_at=now):
        return
    # A concurrent first beat of the same id may win the insert: the worker is alive either way.
    with contextlib.suppress(IntegrityError), transaction.atomic():
        WorkerBeat.objects.create(
            worker_id=worker_id,
            pid=os.getpid() if pid is None else pid,
            host=socket.gethostname() if host is None else host,
            started_at=now,
            seen_at=now,
        )


def goodbye(worker_id: str) -> None:
    """A worker that stops cleanly has finished its tasks: forget it."""
    WorkerBeat.objects.filter(pk=worker_id).delete()


def hand_back_lost_tasks(now: datetime | None = None) -> int:
    """Hand back every RUNNING task whose worker is presumed dead; returns how many."""
    now = now or timezone.now()
    silent_since = now - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    beats = dict(WorkerBeat.objects.values_list("worker_id", "seen_at"))
    running = DBTaskResult.objects.filter(status=RUNNING).values_list(
        "pk", "worker_ids", "started_at"
    )[:BATCH]
    handed = 0
    for pk, worker_ids, started_at in running:
        worker = worker_ids[-1] if worker_ids else ""
        last_sign_of_life = beats.get(worker) or started_at or now
        if last_sign_of_life < silent_since and _hand_back(pk, worker, now):
            handed += 1
    # A dead worker's row has served its purpose; tasks it still held (past BATCH) are judged
    # by their start, which is older than its last beat.
    WorkerBeat.objects.filter(seen_at__lt=silent_since).delete()
    return handed


def _hand_back(pk: Any, worker: str, now: datetime) -> bool:
    with transaction.atomic():
        row = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=RUNNING)
            .first()
        )
        if row is None:  # finished meanwhile, or another sweep holds it
            return False
        note = f"worker {worker or '(unknown)'} stopped beating while running this task"
        fresh = _enqueue_again(row)
        note += f"; handed back at {now.isoformat()} as task {fresh}" if fresh else "; not rerun"
        DBTaskResult.objects.filter(pk=pk, status=RUNNING).update(
            status=FAILED,
            finished_at=now,
            exception_class_path=WORKER_LOST,
            traceback=f"{WORKER_LOST}: {note}\n",
            return_value=None,
        )
    logger.warning("task %s (%s): %s", pk, row.task_path, note)
    return True


def _enqueue_again(row: DBTaskResult[Any, Any]) -> str:
    """A fresh copy of `row`'s task under the request id it was enqueued with; its id, or ""
    when the task's code is gone."""
    try:
        task = row.task
    except (ImportError, SuspiciousOperation):
        return ""
    stored = row.args_kwargs if isinstance(row.args_kwargs, dict) else {}
    token = context.request_id.set(str(stored.get(REQUEST_ID_KEY, "") or "-"))
    try:
        result = task.enqueue(*stored.get("args", []), **stored.get("kwargs", {}))
    finally:
        context.request_id.reset(token)
    return str(result.id)
