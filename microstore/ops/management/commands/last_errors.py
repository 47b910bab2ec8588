"""`manage.py last_errors`: the newest errors logged by any process, with their context."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from microstore.ops.models import ErrorRecord


class Command(BaseCommand):
    help = "Show the newest errors logged by the shop (web and worker), newest first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-n", "--limit", type=int, default=20, help="how many (1-1000)")
        parser.add_argument("--request-id", help="only the errors of this request")
        parser.add_argument("--full", action="store_true", help="print the tracebacks too")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if not 1 <= limit <= 1000:
            raise CommandError("--limit must be from 1 to 1000", returncode=2)
        rows = ErrorRecord.objects.all()
        if options["request_id"]:
            rows = rows.filter(request_id=options["request_id"])
        found = list(rows[:limit])
        if not found:
            self.stdout.write("No errors logged.")
            return
        for row in found:
            if options["json"]:
                self.stdout.write(json.dumps(_as_dict(row)))
                continue
            when = timezone.localtime(row.logged_at).strftime("%Y-%m-%d %H:%M:%S")
            where = " ".join(
                f"{name}={value}"
                for name, value in (
                    ("request", row.request_id),
                    ("user", row.user_id),
                    ("route", row.route),
                    ("call", row.contract_call),
                    ("process", row.process),
                )
                if value
            )
            self.stdout.write(f"{when} {row.level} {row.logger}: {row.message}")
            if where:
                self.stdout.write(f"    {where}")
            if options["full"] and row.exception:
                self.stdout.write("    " + row.exception.replace("\n", "\n    "))


def _as_dict(row: ErrorRecord) -> dict[str, str]:
    fields = ("level", "logger", "message", "exception", "request_id", "user_id", "route",
              "contract_call", "process")  # fmt: skip
    return {"logged_at": row.logged_at.isoformat()} | {name: getattr(row, name) for name in fields}
