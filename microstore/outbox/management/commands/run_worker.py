"""`manage.py run_worker`: the task worker, its heartbeat and the shared periodic schedule."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from microstore.outbox import schedule, workers

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run background tasks (outbox deliveries, emails, periodic jobs) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="poll interval (s)")
        parser.add_argument("--tick", type=float, default=15.0, help="schedule check (s)")
        parser.add_argument("--no-schedule", action="store_true", help="run tasks only")
        parser.add_argument("--batch", action="store_true", help="drain the queue and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = workers.new_worker_id()
        workers.beat(worker_id)
        stop = threading.Event()
        tick = None if options["no_schedule"] else options["tick"]
        background = threading.Thread(
            target=self._background, args=(worker_id, tick, stop), daemon=True
        )
        background.start()
        try:
            call_command(
                "db_worker",
                queue_name="*",
                interval=options["interval"],
                batch=options["batch"],
                reload=False,
                startup_delay=not options["batch"],
                worker_id=worker_id,
                verbosity=options["verbosity"],
            )
        finally:  # a clean stop (SIGTERM, --batch done): nothing of ours is left running
            stop.set()
            background.join(timeout=5)
            workers.goodbye(worker_id)

    @staticmethod
    def _background(worker_id: str, tick: float | None, stop: threading.Event) -> None:
        """Beat every TASK_HEARTBEAT_SECONDS and, unless `tick` is None, check the schedule
        every `tick` seconds. A thread of its own: a long task never silences the beat."""
        every = float(settings.TASK_HEARTBEAT_SECONDS)
        next_beat = next_tick = time.monotonic()
        while not stop.is_set():
            now = time.monotonic()
            try:
                if now >= next_beat:
                    workers.beat(worker_id)
                    next_beat = now + every
                if tick is not None and now >= next_tick:
                    next_tick = now + tick
                    enqueued = schedule.tick()
                    if enqueued:
                        logger.info("periodic jobs enqueued: %s", ", ".join(enqueued))
            except DatabaseError:
                logger.exception("the heartbeat or the periodic schedule failed")
            finally:
                close_old_connections()
            upcoming = next_beat if tick is None else min(next_beat, next_tick)
            stop.wait(max(upcoming - time.monotonic(), 0.05))
