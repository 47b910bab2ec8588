"""`manage.py run_split` (make run-split): the split shop on this machine, behind its gateway.

Migrates and seeds each service's own database, writes the gateway's nginx config and honcho's
Procfile under var/split/, then hands over to honcho (Ctrl-C stops every process).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from microstore import topology
from microstore.split import DEFAULT_FIRST_PORT, Plan, create_database, is_postgres


class Command(BaseCommand):
    help = (
        "Run the split shop: six services, each in its own process with its own database, and "
        "their task workers under honcho, behind an nginx gateway on http://127.0.0.1:$PORT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT") or 8000),
            help="the gateway's port (default: $PORT or 8000)",
        )
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
        folder.mkdir(parents=True, exist_ok=True)
        self._create_databases(plan)
        self._in_every_role(plan, ["migrate", "--noinput", "--verbosity", "0"], "migrated")
        if not options["no_seed"]:
            self._in_every_role(plan, ["seed_demo"], "seeded")
        self._write_gateway(plan)
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

    def _create_databases(self, plan: Plan) -> None:
        """Each service's PostgreSQL database, on the server DATABASE_URL names, if missing."""
        for role in topology.SERVICE_NAMES:
            url = plan.database_for(role)
            if is_postgres(url):
                create_database(url)

    def _in_every_role(self, plan: Plan, command: list[str], done: str) -> None:
        """`manage.py <command>` in each service's environment, all at once."""
        manage = str(Path(settings.BASE_DIR) / "manage.py")

        def run(role: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(  # noqa: S603 (this interpreter, our manage.py)
                [sys.executable, manage, *command],
                env={**os.environ, **plan.env(role)},
                capture_output=True,
                text=True,
                cwd=settings.BASE_DIR,
                check=False,
            )

        with ThreadPoolExecutor(max_workers=3) as pool:
            names = topology.SERVICE_NAMES
            results = dict(zip(names, pool.map(run, names), strict=True))
        for role, result in results.items():
            if result.returncode != 0:
                raise CommandError(
                    f"{role}: manage.py {' '.join(command)} failed:\n"
                    f"{(result.stdout + result.stderr)[-3000:]}"
                )
        self.stdout.write(f"{done}: {', '.join(results)}")

    def _write_gateway(self, plan: Plan) -> None:
        plan.gateway_folder.mkdir(parents=True, exist_ok=True)
        (plan.gateway_folder / "logs").mkdir(exist_ok=True)
        out = StringIO()
        call_command(
            "gateway_config",
            "--port",
            str(plan.gateway_port),
            "--listen",
            plan.host,
            *(f"--upstream={name}={url}" for name, url in plan.urls.items()),
            stdout=out,
        )
        (plan.gateway_folder / "nginx.conf").write_text(out.getvalue())
