"""`manage.py run_worker`: the task worker plus the shared periodic schedule."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from microstore.outbox import schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run background tasks (outbox deliveries, emails, periodic jobs) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="poll interval (s)")
        parser.add_argument("--tick", type=float, default=15.0, help="schedule check (s)")
        parser.add_argument("--no-schedule", action="store_true", help="run tasks only")
        parser.add_argument("--batch", action="store_true", help="drain the queue and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_schedule"]:
            stop = threading.Event()
            threading.Thread(
                target=self._schedule_loop, args=(options["tick"], stop), daemon=True
            ).start()
        call_command(
            "db_worker",
            queue_name="*",
            interval=options["interval"],
            batch=options["batch"],
            reload=False,
            startup_delay=not options["batch"],
            verbosity=options["verbosity"],
        )

    @staticmethod
    def _schedule_loop(every: float, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                enqueued = schedule.tick()
                if enqueued:
                    logger.info("periodic jobs enqueued: %s", ", ".join(enqueued))
            except DatabaseError:
                logger.exception("the periodic schedule could not be checked")
            finally:
                close_old_connections()
            stop.wait(every)
