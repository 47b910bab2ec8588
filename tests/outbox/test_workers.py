"""Workers beat; the sweep hands back every task a silent (dead) worker held."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contracts.kernel.events import Event, publish
from microstore import context
from microstore.outbox import schedule, workers
from microstore.outbox.models import WorkerBeat

pytestmark = pytest.mark.django_db
LOST = "microstore.outbox.workers.WorkerLost"


class KettleBoiled(Event):
    kettle: str


def run_by(worker_id: str, *, started: timedelta) -> DBTaskResult:
    """The one queued task, as a worker's claim leaves it: RUNNING under `worker_id`."""
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING", started_at=timezone.now() - started, worker_ids=[worker_id]
    )
    return task


@pytest.fixture
def heard(subscriber) -> list[str]:
    seen: list[str] = []
    subscriber(KettleBoiled, name="tests.kettle")(lambda e: seen.append(e.kettle))
    return seen


def test_a_task_held_by_a_silent_worker_is_handed_back_and_runs_again(heard, drain_tasks):
    context.request_id.set("req-kettle")
    publish(KettleBoiled(kettle="K-1"))
    context.request_id.set("-")
    five_minutes_ago = timezone.now() - timedelta(minutes=5)
    WorkerBeat.objects.create(worker_id="w-dead", pid=4242, host="box", seen_at=five_minutes_ago)
    lost = run_by("w-dead", started=timedelta(minutes=6))

    assert workers.hand_back_lost_tasks() == 1

    lost.refresh_from_db()
    assert (lost.status, lost.exception_class_path) == ("FAILED", LOST)
    assert "w-dead" in lost.traceback
    fresh = DBTaskResult.objects.get(status="READY")
    assert fresh.task_path == lost.task_path
    assert fresh.args_kwargs["args"] == lost.args_kwargs["args"]
    assert fresh.args_kwargs["request_id"] == "req-kettle"
    assert drain_tasks() == 1
    assert heard == ["K-1"]
    assert not WorkerBeat.objects.filter(worker_id="w-dead").exists()  # forgotten once handled


def test_a_task_of_a_worker_that_still_beats_is_left_alone(heard):
    publish(KettleBoiled(kettle="K-2"))
    workers.beat("w-alive", pid=1, host="box")
    busy = run_by("w-alive", started=timedelta(hours=2))  # a long task, its worker alive

    assert workers.hand_back_lost_tasks() == 0

    busy.refresh_from_db()
    assert busy.status == "RUNNING"
    assert DBTaskResult.objects.count() == 1


def test_a_task_of_a_worker_that_never_beat_is_handed_back_after_the_lease(heard, settings):
    settings.TASK_LEASE_SECONDS = 60
    publish(KettleBoiled(kettle="K-3"))
    recent = run_by("w-unknown", started=timedelta(seconds=30))

    assert workers.hand_back_lost_tasks() == 0  # it may still be running
    recent.started_at = timezone.now() - timedelta(minutes=2)
    recent.save(update_fields=["started_at"])
    assert workers.hand_back_lost_tasks() == 1
    assert workers.hand_back_lost_tasks() == 0  # handed back once, not once per sweep
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_a_task_whose_code_is_gone_is_failed_without_a_copy(settings):
    settings.TASK_LEASE_SECONDS = 1
    DBTaskResult.objects.create(
        task_path="apps.nowhere.tasks.vanished",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        status="RUNNING",
        started_at=timezone.now() - timedelta(minutes=1),
        worker_ids=["w-gone"],
    )

    assert workers.hand_back_lost_tasks() == 1
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]


def test_the_sweeps_run_on_the_shared_schedule_every_task_sweep_seconds(settings, drain_tasks):
    settings.TASK_SWEEP_SECONDS = 5
    jobs = {name: schedule.JOBS[name] for name in ("tasks.hand_back", "outbox.requeue_stale")}
    now = timezone.now()

    assert schedule.tick(now, jobs) == ["tasks.hand_back", "outbox.requeue_stale"]
    assert schedule.tick(now + timedelta(seconds=4), jobs) == []
    assert schedule.tick(now + timedelta(seconds=6), jobs) == list(jobs)
    assert drain_tasks() == 4
