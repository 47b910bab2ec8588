"""`make run-split`: the whole split shop on this machine, one process per service.

A `Plan` says where each process listens and what environment it runs in: its service
(`MICROSTORE_ROLE`), the others' addresses (`MICROSTORE_SERVICES`: its own `local`, every other a
URL), the secret their calls are signed with, and its own database — the role's SQLite file
(var/split/<role>.sqlite3) or, when DATABASE_URL names PostgreSQL, a database of its own on that
server (`shop` → `shop_catalog`, created when missing). `prepare` migrates and seeds every
database and writes the gateway's nginx config; `manage.py run_split` then writes a Procfile and
hands over to honcho, which runs each service's web server (gunicorn, threads: the services'
calls keep their connections) and task worker, and nginx, and stops them all on Ctrl-C. The
tests' `tests.split.SplitShop` starts the same commands (`Plan.commands`) one by one instead, so
that one service can be stopped and started again while the others run.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command

from microstore import topology

if TYPE_CHECKING:
    import psycopg

DEFAULT_FIRST_PORT = 8101
WEB_THREADS = 8


def postgres_url_for(url: str, role: str) -> str:
    """The role's own database next to the one `url` names (same server and credentials)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "microstore"
    return urlunsplit(parts._replace(path="/" + topology.split_database_name(name, role)))


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgres://", "postgresql://"))


def _server(config: Mapping[str, Any]) -> psycopg.Connection[tuple[Any, ...]]:
    """An autocommit connection to the `postgres` database of a parsed DATABASE_URL's server."""
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    )


def create_database(url: str, *, attempts: int = 10) -> bool:
    """Create the PostgreSQL database `url` names, on its server, unless it exists; whether it
    was created. What `make run-split` does for each service and the image's `web` role does in
    a split container (`manage.py create_database`): six of them may start at once, so a name
    another process created meanwhile is fine, and a template busy with a concurrent
    `CREATE DATABASE` is tried again."""
    import dj_database_url
    from psycopg import errors, sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    for attempt in range(attempts):
        with _server(config) as server:
            if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return False
            try:
                server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except errors.DuplicateDatabase:
                return False
            except errors.ObjectInUse:  # "source database template1 is being accessed"
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
                continue
            return True
    return False


@dataclass(frozen=True)
class Plan:
    folder: Path
    gateway_port: int = 8000
    first_port: int = DEFAULT_FIRST_PORT
    host: str = "127.0.0.1"
    database_url: str | None = None  # the monolith's; each role gets its own next to it
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def ports(self) -> dict[str, int]:
        return {name: self.first_port + i for i, name in enumerate(topology.SERVICE_NAMES)}

    @property
    def urls(self) -> dict[str, str]:
        return {name: f"http://{self.host}:{port}" for name, port in self.ports.items()}

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"

    @property
    def gateway_folder(self) -> Path:
        return self.folder / "gateway"

    def database_for(self, role: str) -> str:
        """The role's DATABASE_URL: its own PostgreSQL database when the monolith's is one, else
        its own SQLite file in the plan's folder."""
        if self.database_url and is_postgres(self.database_url):
            return postgres_url_for(self.database_url, role)
        return f"sqlite:///{self.folder / f'{role}.sqlite3'}"

    def env(self, role: str) -> dict[str, str]:
        """The environment of `role`'s processes (on top of the caller's)."""
        services = {name: "local" if name == role else url for name, url in self.urls.items()}
        env = {
            "MICROSTORE_ROLE": role,
            "MICROSTORE_SERVICES": json.dumps(services, separators=(",", ":")),
            "MICROSTORE_INTERNAL_SECRET": self.secret,
            "SITE_URL": self.gateway_url,
            "SHARED_CACHE_DIR": str(self.folder / "shared-cache"),
            # The gateway appends the shopper's address to X-Forwarded-For: rate limits count
            # each shopper, not the gateway (microstore/gateway_nginx.py).
            "MICROSTORE_TRUSTED_PROXIES": "1",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        env["DATABASE_URL"] = self.database_for(role)
        return env

    def web_command(self, role: str) -> list[str]:
        return [
            "gunicorn",
            "microstore.wsgi:application",
            "--config=microstore/gunicorn_conf.py",
            f"--bind={self.host}:{self.ports[role]}",
            "--workers=1",
            "--worker-class=gthread",
            f"--threads={WEB_THREADS}",
        ]

    def commands(self, role: str, python: str = "python") -> dict[str, list[str]]:
        """`role`'s processes by their Procfile names: its web server and its task worker (run
        from the project's folder, in `env(role)`)."""
        return {
            role: self.web_command(role),
            f"{role}-worker": [python, "manage.py", "run_worker"],
        }

    def gateway_command(self, nginx: str = "nginx") -> list[str]:
        return [nginx, "-p", str(self.gateway_folder), "-c", "nginx.conf"]

    def procfile(self, python: str = "python") -> str:
        """honcho's Procfile: a web server and a task worker per service, and the gateway."""
        lines = [
            "# Written by `manage.py run_split` (make run-split): regenerated at each start.",
        ]
        for role in topology.SERVICE_NAMES:
            env = " ".join(f"{key}={shlex.quote(value)}" for key, value in self.env(role).items())
            for name, command in self.commands(role, python).items():
                lines.append(f"{name}: env {env} {shlex.join(command)}")
        lines.append(f"gateway: {shlex.join(self.gateway_command())}")
        return "\n".join(lines) + "\n"


class PrepareFailed(RuntimeError):
    """A role's `manage.py migrate` or `seed_demo` failed (its output in the message)."""


def prepare(
    plan: Plan,
    *,
    seed: bool = True,
    seed_args: tuple[str, ...] = (),
    environ: dict[str, str] | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> None:
    """Make the split shop of `plan` ready to start: each role's database created (PostgreSQL),
    migrated and seeded (three roles at a time), and the gateway's nginx config written.
    `environ` is the environment the roles' commands start from (the caller's by default)."""
    plan.folder.mkdir(parents=True, exist_ok=True)
    create_databases(plan)
    base = dict(os.environ if environ is None else environ)
    in_every_role(plan, ["migrate", "--noinput", "--verbosity", "0"], base)
    say(f"migrated: {', '.join(topology.SERVICE_NAMES)}")
    if seed:
        in_every_role(plan, ["seed_demo", *seed_args], base)
        say(f"seeded: {', '.join(topology.SERVICE_NAMES)}")
    write_gateway(plan)


def create_databases(plan: Plan) -> None:
    """Each service's PostgreSQL database, on the server DATABASE_URL names, if missing."""
    for role in topology.SERVICE_NAMES:
        url = plan.database_for(role)
        if is_postgres(url):
            create_database(url)


def drop_databases(plan: Plan) -> None:
    """Drop each service's PostgreSQL database (a test's throwaway split shop)."""
    import dj_database_url
    from psycopg import sql

    for role in topology.SERVICE_NAMES:
        url = plan.database_for(role)
        if not is_postgres(url):
            continue
        config = dj_database_url.parse(url)
        with _server(config) as server:
            name = sql.Identifier(str(config["NAME"]))
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def in_every_role(plan: Plan, command: list[str], environ: dict[str, str]) -> None:
    """`manage.py <command>` in each service's environment, three at a time."""
    manage = str(Path(settings.BASE_DIR) / "manage.py")

    def run(role: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (this interpreter, our manage.py)
            [sys.executable, manage, *command],
            env={**environ, **plan.env(role)},
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
            raise PrepareFailed(
                f"{role}: manage.py {' '.join(command)} failed:\n"
                f"{(result.stdout + result.stderr)[-3000:]}"
            )


def write_gateway(plan: Plan) -> None:
    """The gateway's nginx.conf (from `manage.py gateway_config`) in its folder, and its logs'."""
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
