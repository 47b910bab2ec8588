"""`manage.py last_errors`: the newest errors logged by every process of the shop, with their
context and the service that logged them.

In the monolith that is this process's table. In the split (MICROSTORE_SERVICES binds services
to URLs) every other process is asked for its own over the transport (`microstore.ops.processes`)
and the answers are merged in time order: `--request-id` follows one request across them all.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from microstore.ops import processes
from microstore.ops.models import ErrorRecord


class Command(BaseCommand):
    help = (
        "Show the newest errors logged by the shop (web and worker, every process of the split), "
        "newest first; with --request-id, that request's errors in the order they happened."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-n", "--limit", type=int, default=20, help="how many (1-1000)")
        parser.add_argument("--request-id", help="only the errors of this request, oldest first")
        parser.add_argument("--full", action="store_true", help="print the tracebacks too")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if not 1 <= limit <= processes.MAX_ERRORS:
            raise CommandError("--limit must be from 1 to 1000", returncode=2)
        request_id = options["request_id"] or ""
        if len(request_id) > 128:
            raise CommandError("--request-id is at most 128 characters", returncode=2)
        found = gather(request_id, limit, self.stderr.write)
        if not found:
            self.stdout.write("No errors logged.")
            return
        for row in found:
            if options["json"]:
                self.stdout.write(json.dumps(row))
                continue
            when = timezone.localtime(processes.logged_at(row)).strftime("%Y-%m-%d %H:%M:%S")
            where = " ".join(
                f"{name}={row.get(key)}"
                for name, key in (
                    ("request", "request_id"),
                    ("user", "user_id"),
                    ("route", "route"),
                    ("call", "contract_call"),
                    ("process", "process"),
                )
                if row.get(key)
            )
            self.stdout.write(
                f"{when} {row.get('service')} {row.get('level')} {row.get('logger')}: "
                f"{row.get('message')}"
            )
            if where:
                self.stdout.write(f"    {where}")
            if options["full"] and row.get("exception"):
                self.stdout.write("    " + str(row["exception"]).replace("\n", "\n    "))


def gather(request_id: str, limit: int, warn: Any) -> list[dict[str, str]]:
    """This process's errors and every other process's, merged: one request's oldest first,
    else the newest `limit` newest first. A process that does not answer is named by `warn`."""
    rows = ErrorRecord.objects.all()
    if request_id:
        rows = rows.filter(request_id=request_id)
    found = [processes.error_data(row) for row in rows[:limit]]
    for answer in processes.remote_errors(request_id, limit).values():
        if isinstance(answer, processes.NoView):
            warn(f"Not included: {answer}")
        else:
            found.extend(answer)
    found.sort(key=processes.logged_at, reverse=not request_id)
    return found if request_id else found[:limit]
