"""A schedule of periodic tasks that several workers can share.

Each tick, every worker tries to claim each due job with one conditional UPDATE of its
`PeriodicJob` row; exactly one wins and enqueues the task. No extra scheduler process needed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from microstore.outbox.models import PeriodicJob


@dataclass(frozen=True)
class Job:
    """A task (by dotted path) to enqueue every `every`: a duration, or the name of a setting
    that holds one in seconds (read at each tick, so tests and the environment reach it)."""

    task_path: str
    every: timedelta | str

    @property
    def interval(self) -> timedelta:
        if isinstance(self.every, str):
            return timedelta(seconds=getattr(settings, self.every))
        return self.every

    @property
    def task(self) -> Task:  # type: ignore[type-arg]  # any task signature
        task: Task = import_string(self.task_path)  # type: ignore[type-arg]
        return task


# The composition root knows every app, so the schedule of all of them lives here.
JOBS: dict[str, Job] = {
    # The two sweeps that make every at-least-once path survive a dead worker.
    "outbox.requeue_stale": Job(
        "microstore.outbox.tasks.requeue_stale_deliveries", "TASK_SWEEP_SECONDS"
    ),
    "tasks.hand_back": Job("microstore.outbox.tasks.hand_back_lost_tasks", "TASK_SWEEP_SECONDS"),
    "catalog.release_expired": Job(
        "apps.catalog.tasks.release_expired_reservations", timedelta(minutes=1)
    ),
    "orders.expire_unpaid": Job("apps.orders.tasks.expire_unpaid_orders", timedelta(minutes=1)),
    "payments.reconcile": Job("apps.payments.tasks.reconcile_payments", timedelta(minutes=5)),
    "ops.prune": Job("microstore.ops.tasks.prune", timedelta(minutes=30)),
}


def jobs_here(role: str) -> dict[str, Job]:
    """The jobs a worker of `role`'s process runs: its own service's and every process's own
    (outbox, tasks, ops), since each process has those tables; all of them in the monolith."""
    return {
        name: job
        for name, job in JOBS.items()
        if not role or not job.task_path.startswith("apps.") or job.task_path.split(".")[1] == role
    }


def tick(now: datetime | None = None, jobs: dict[str, Job] | None = None) -> list[str]:
    """Enqueue every job that is due and that this caller claims; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for name, job in (jobs_here(settings.MICROSTORE_ROLE) if jobs is None else jobs).items():
        with contextlib.suppress(IntegrityError):  # another worker created it first
            PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
        with transaction.atomic():  # the claim and the enqueue land together or not at all
            claimed = PeriodicJob.objects.filter(name=name, next_run_at__lte=now).update(
                next_run_at=now + job.interval, last_run_at=now
            )
            if claimed:
                job.task.enqueue()
                enqueued.append(name)
    return enqueued
