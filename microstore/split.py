"""`make run-split`: the whole split shop on this machine, one process per service.

A `Plan` says where each process listens and what environment it runs in: its service
(`MICROSTORE_ROLE`), the others' addresses (`MICROSTORE_SERVICES`: its own `local`, every other a
URL), the secret their calls are signed with, and its own database — the role's SQLite file
(var/split/<role>.sqlite3) or, when DATABASE_URL names PostgreSQL, a database of its own on that
server (`shop` → `shop_catalog`, created when missing). From it `manage.py run_split` migrates and
seeds every database, writes the gateway's nginx config and a Procfile, and hands over to honcho,
which runs each service's web server (gunicorn, threads: the services' calls keep their
connections) and task worker, and nginx, and stops them all on Ctrl-C.
"""

from __future__ import annotations

import json
import secrets
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from microstore import topology

DEFAULT_FIRST_PORT = 8101
WEB_THREADS = 8


def postgres_url_for(url: str, role: str) -> str:
    """The role's own database next to the one `url` names (same server and credentials)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "microstore"
    return urlunsplit(parts._replace(path="/" + topology.split_database_name(name, role)))


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgres://", "postgresql://"))


def create_database(url: str, *, attempts: int = 10) -> bool:
    """Create the PostgreSQL database `url` names, on its server, unless it exists; whether it
    was created. What `make run-split` does for each service and the image's `web` role does in
    a split container (`manage.py create_database`): six of them may start at once, so a name
    another process created meanwhile is fine, and a template busy with a concurrent
    `CREATE DATABASE` is tried again."""
    import dj_database_url
    import psycopg
    from psycopg import errors, sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    for attempt in range(attempts):
        with psycopg.connect(
            dbname="postgres",
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            autocommit=True,
        ) as server:
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
            # each shopper, not the gateway (microstore/gateway.py).
            "MICROSTORE_TRUSTED_PROXIES": "1",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        env["DATABASE_URL"] = self.database_for(role)
        return env

    def web_command(self, role: str) -> str:
        return (
            f"gunicorn microstore.wsgi:application --config microstore/gunicorn_conf.py"
            f" --bind {self.host}:{self.ports[role]} --workers 1"
            f" --worker-class gthread --threads {WEB_THREADS}"
        )

    def procfile(self, python: str = "python") -> str:
        """honcho's Procfile: a web server and a task worker per service, and the gateway."""
        lines = [
            "# Written by `manage.py run_split` (make run-split): regenerated at each start.",
        ]
        for role in topology.SERVICE_NAMES:
            env = " ".join(f"{key}={shlex.quote(value)}" for key, value in self.env(role).items())
            lines.append(f"{role}: env {env} {self.web_command(role)}")
            lines.append(f"{role}-worker: env {env} {python} manage.py run_worker")
        lines.append(f"gateway: nginx -p {shlex.quote(str(self.gateway_folder))} -c nginx.conf")
        return "\n".join(lines) + "\n"
