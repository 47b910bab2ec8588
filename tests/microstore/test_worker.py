"""`manage.py run_worker` drains the queue the outbox fills, and a worker killed with `kill -9`
loses nothing: its lease runs out and the sweep hands its work to another worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from apps.notifications.models import Notification
from contracts.kernel.events import Event, publish
from contracts.orders.events import OrderPaid
from microstore.outbox.models import Delivery, WorkerBeat
from tests.notifications.conftest import make_order
from tests.smtp import Inbox, SMTPServer

# The real worker closes connections left inside a transaction: run it on committed data.
pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
# Short leases keep the test to seconds: a worker silent for 2 s is dead, a delivery (an email
# send included) claimed 2 s ago may be taken over, and the sweeps run every second.
FAST = {
    "TASK_HEARTBEAT_SECONDS": "1",
    "TASK_LEASE_SECONDS": "2",
    "OUTBOX_LEASE_SECONDS": "2",
    "TASK_SWEEP_SECONDS": "1",
    "OUTBOX_BACKOFF_SECONDS": "1",
    "OPS_FLUSH_SECONDS": "0",
}


class DoorbellRang(Event):
    door: str


def test_run_worker_in_batch_mode_delivers_pending_events(subscriber):
    heard: list[str] = []
    subscriber(DoorbellRang, name="tests.doorbell")(lambda e: heard.append(e.door))
    publish(DoorbellRang(door="front"))

    call_command("run_worker", "--batch", "--no-schedule", verbosity=0)

    assert heard == ["front"]
    assert Delivery.objects.get().status == "delivered"


def test_run_worker_beats_while_it_runs_and_says_goodbye_when_it_stops(subscriber):
    beats: list[list[int]] = []
    subscriber(DoorbellRang, name="tests.beats")(
        lambda e: beats.append(list(WorkerBeat.objects.values_list("pid", flat=True)))
    )
    publish(DoorbellRang(door="back"))

    call_command("run_worker", "--batch", "--no-schedule", verbosity=0)

    assert beats == [[os.getpid()]]  # alive while the task ran
    assert not WorkerBeat.objects.exists()  # a clean stop leaves no beat to judge


class StallOnce:
    """Holds the `nth` message inside DATA, before the 250 reply, until released; accepts every
    other message at once. The held message is never accepted: its sender dies waiting."""

    def __init__(self, inbox: Inbox, nth: int) -> None:
        self.inbox, self.nth, self.seen = inbox, nth, 0
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.peer: tuple[str, int] = ("", 0)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.seen += 1
        if self.seen != self.nth:
            return await self.inbox.handle_DATA(server, session, envelope)
        self.peer = tuple(session.peer)[:2]  # type: ignore[assignment]  # (host, port)
        self.stalled.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        return "421 the sender went away"


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603  # our own manage.py with fixed arguments
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--tick", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def owner_of(peer: tuple[str, int], workers: list[subprocess.Popen[bytes]]) -> Any:
    """The worker process whose SMTP connection comes from `peer`."""
    for worker in workers:
        for conn in psutil.Process(worker.pid).net_connections(kind="tcp"):
            if conn.laddr and (conn.laddr.ip, conn.laddr.port) == peer:
                return worker
    raise AssertionError(f"no worker owns the SMTP connection from {peer}")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def worker_env(smtp: SMTPServer) -> dict[str, str]:
    db = connection.settings_dict
    return (
        os.environ
        | FAST
        | {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_STARTTLS": "0",
        }
    )


@pytest.mark.postgres
def test_a_worker_killed_inside_an_smtp_send_loses_no_email(postgres_only):
    orders = [make_order(f"MS-{n}") for n in range(1, 7)]
    for order in orders:
        publish(OrderPaid(order=order))
    smtp = SMTPServer()
    stall = StallOnce(smtp.inbox, nth=3)
    smtp.handler = stall
    smtp.start()
    workers = [start_worker(worker_env(smtp)), start_worker(worker_env(smtp))]
    try:
        assert stall.stalled.wait(20), "no worker reached the third SMTP send"
        victim = owner_of(stall.peer, workers)
        victim.send_signal(signal.SIGKILL)
        victim.wait(5)
        stall.release.set()

        wait_for(lambda: len(smtp.inbox.messages) >= len(orders), 20, "every email")
        wait_for(
            lambda: not DBTaskResult.objects.filter(status="RUNNING").exists(),
            10,
            "the dead worker's task to be handed back",
        )
    finally:
        stall.release.set()
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(10)
        smtp.stop()

    # The held email was never accepted (no 250 reached the killed worker), so every email
    # arrives exactly once: the held one from the surviving worker, after the lease ran out.
    assert sorted(m["Subject"] for m in smtp.inbox.messages) == sorted(
        f"Your receipt for order {order.number} · Microstore" for order in orders
    )
    assert list(Notification.objects.values_list("status", flat=True)) == ["sent"] * 6
    [lost] = DBTaskResult.objects.filter(exception_class_path__endswith="WorkerLost")
    assert lost.status == "FAILED"
    assert lost.task_path == "microstore.outbox.tasks.deliver_event"
