"""`manage.py run_split` (make run-split): the split shop on this machine, behind its gateway.

Migrates and seeds each service's own database, writes the gateway's nginx config and honcho's
Procfile under var/split/, then hands over to honcho (Ctrl-C stops every process).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from microstore.management.commands.gateway_config import add_port_argument
from microstore.split import DEFAULT_FIRST_PORT, Plan, PrepareFailed, prepare


class Command(BaseCommand):
    help = (
        "Run the split shop: six services, each in its own process with its own database, and "
        "their task workers under honcho, behind an nginx gateway on http://127.0.0.1:$PORT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_port_argument(parser)
        parser.add_argument(
            "--first-port",
            type=int,
            default=DEFAULT_FIRST_PORT,
            help=f"the first service's port; the others follow (default {DEFAULT_FIRST_PORT})",
        )
        parser.add_argument(
            "--folder",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "split",
            help="where the databases, the gateway's config and the Procfile go (var/split)",
        )
        parser.add_argument("--no-seed", action="store_true", help="do not seed the demo shop")
        parser.add_argument(
            "--prepare-only",
            action="store_true",
            help="migrate, seed and write the files, but start nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for tool, package in (("nginx", "nginx"), ("honcho", "honcho")):
            if not options["prepare_only"] and shutil.which(tool) is None:
                raise CommandError(f"{tool} not found: apt-get install {package} (or pip)")
        folder: Path = options["folder"].resolve()
        plan = Plan(
            folder=folder,
            gateway_port=options["port"],
            first_port=options["first_port"],
            database_url=os.environ.get("DATABASE_URL"),
        )
        try:
            prepare(plan, seed=not options["no_seed"], say=self.stdout.write)
        except PrepareFailed as failed:
            raise CommandError(str(failed)) from failed
        procfile = folder / "Procfile"
        procfile.touch(mode=0o600)  # it holds the internal secret
        procfile.write_text(plan.procfile(python=sys.executable))
        self.stdout.write(
            f"The split shop on {plan.gateway_url}/ — services on ports "
            f"{min(plan.ports.values())}–{max(plan.ports.values())}, files in {folder}"
        )
        if options["prepare_only"]:
            return
        self.stdout.flush()
        honcho = shutil.which("honcho") or "honcho"
        # honcho takes over this process: Ctrl-C reaches it, and it stops every service.
        os.execv(honcho, [honcho, "start", "-f", str(procfile), "-d", str(settings.BASE_DIR)])  # noqa: S606
