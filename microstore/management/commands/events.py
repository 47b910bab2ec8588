"""`manage.py events`: every event type, its publisher and its subscribers, as a table."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from microstore import bindings
from microstore.outbox import events_table


class Command(BaseCommand):
    help = "List every event type with its contract class, publisher and subscribers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--write",
            action="store_true",
            help=f"write {events_table.DOCS_PATH} (the table with its introduction)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Every service's handlers, even those another process runs: this only lists them.
        bindings.load_subscribers(bindings.FACADES)
        if not options["write"]:
            self.stdout.write(events_table.table(), ending="")
            return
        path = settings.BASE_DIR / events_table.DOCS_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(events_table.document(), encoding="utf-8")
        self.stdout.write(f"wrote {events_table.DOCS_PATH}")
