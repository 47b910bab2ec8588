"""`SplitShop`: the split shop of a `microstore.split.Plan`, run by a test without honcho.

honcho stops every process when one exits, and a test needs to stop one service and start it
again while the others run. So `SplitShop` prepares the plan as `make run-split` does
(`microstore.split.prepare`: each role's database migrated and seeded, the gateway's config
written), then starts the same commands (`Plan.commands`, `Plan.gateway_command`) itself: each
process in its own process group, on loopback ports, its output in `<folder>/logs/<name>.log`.
`stop(service)` and `start(service)` stop and start one service's web server and worker;
`close()` kills every process by its group and drops the PostgreSQL databases it created.

Email goes out as in production: SMTP, to the aiosmtpd sink of `tests.smtp` on loopback.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import IO, TypeVar

from microstore import topology
from microstore.split import Plan, drop_databases, prepare
from tests.smtp import SMTPServer

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
# What the test process has that a service process must not inherit: each role gets its own.
T = TypeVar("T")
NOT_INHERITED = ("SITE_URL", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MICROSTORE_SERVICES")


def free_port_block(count: int, attempts: int = 50) -> int:
    """The first of `count` consecutive loopback ports that are free right now."""
    for _ in range(attempts):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65_000:
            continue
        sockets = []
        try:
            for port in range(first, first + count):
                taken = socket.socket()
                sockets.append(taken)
                taken.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for taken in sockets:
                taken.close()
        return first
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def status_of(url: str, timeout: float = 3) -> int:
    """The HTTP status `url` answers with, or 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 (loopback)
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class Browser:
    """Cookies kept between requests, like a shopper's browser; never follows a redirect."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def get(self, path: str, **headers: str) -> tuple[int, str, dict[str, str]]:
        return self._open(urllib.request.Request(self.base + path, headers=headers))  # noqa: S310

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback only)
            self.base + path, data=body, headers={"Referer": self.base + "/"}, method="POST"
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, str, dict[str, str]]:
        try:
            with self.opener.open(request, timeout=20) as answer:
                return answer.status, answer.read().decode(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)


class SplitShop:
    """The six services, their workers and the nginx gateway, as processes of this test run."""

    def __init__(
        self,
        folder: Path,
        *,
        database_url: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.smtp = SMTPServer()
        first = free_port_block(len(topology.SERVICE_NAMES) + 1)
        if database_url and database_url.startswith(("postgres://", "postgresql://")):
            # A throwaway set of databases next to the test database, dropped by close().
            head, _, name = database_url.rpartition("/")
            database_url = f"{head}/{name or 'microstore'}_split_{secrets.token_hex(3)}"
        else:
            database_url = None  # each role's SQLite file in `folder`
        self.plan = Plan(
            folder=folder,
            gateway_port=first,
            first_port=first + 1,
            database_url=database_url,
            extra_env={
                "DJANGO_MEDIA_ROOT": str(folder / "media"),
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(self.smtp.port),
                "SMTP_STARTTLS": "0",
                "SMTP_TIMEOUT": "5",
                **(extra_env or {}),
            },
        )
        self.logs = folder / "logs"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._files: dict[str, IO[bytes]] = {}
        self.base = self.plan.gateway_url

    # -- the whole shop ------------------------------------------------------------------------

    def open(self, timeout: float = 150) -> SplitShop:
        """Prepare the plan, start every process and wait for the gateway to say ready."""
        if NGINX is None:
            raise RuntimeError("nginx not found: apt-get install nginx")
        self.logs.mkdir(parents=True, exist_ok=True)
        self.smtp.start()
        prepare(self.plan, seed_args=("--no-images",), environ=self._environ())
        for role in topology.SERVICE_NAMES:
            self._spawn_service(role)
        self._spawn("gateway", self.plan.gateway_command(NGINX), {})
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        """Until the gateway's /health/ready answers 200 (every service probed and up)."""
        self.wait_until(
            lambda: status_of(f"{self.base}/health/ready") == 200, timeout, "the shop ready"
        )

    def wait_until(self, condition: Callable[[], T], timeout: float, what: str) -> T:
        """`condition()`'s first truthy answer, asked every 0.3 s for up to `timeout` s; fails
        at once, with the logs' ends, when a process of the shop has exited meanwhile."""
        deadline = time.monotonic() + timeout
        while not (answer := condition()):
            if time.monotonic() > deadline:
                raise AssertionError(f"not {what} after {timeout} s:\n{self.tail()}")
            self._check_alive()
            time.sleep(0.3)
        return answer

    def close(self) -> None:
        """Kill every process (by its group), stop the SMTP sink, drop PostgreSQL databases."""
        self._kill(*self.processes)
        self.smtp.stop()
        with contextlib.suppress(Exception):  # a shop that never got its databases
            drop_databases(self.plan)

    # -- one service -----------------------------------------------------------------------

    def stop(self, service: str) -> None:
        """Stop `service`'s web server and worker (SIGTERM, then SIGKILL after 10 s)."""
        self._kill(*self.plan.commands(service))

    def start(self, service: str, timeout: float = 60) -> None:
        """Start `service`'s web server and worker again; return once the web server answers."""
        self._spawn_service(service)
        live = f"{self.plan.urls[service]}/health/live"
        self.wait_until(lambda: status_of(live) == 200, timeout, f"{service} back")

    def read(
        self, role: str, query: str, params: tuple[object, ...] = ()
    ) -> list[tuple[object, ...]]:
        """Rows of `query` run read-only on `role`'s own database (its SQLite file, or its
        PostgreSQL database): how a test looks at another process's data without its ORM."""
        url = self.plan.database_for(role)
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                return db.execute(query.replace("%s", "?"), params).fetchall()
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        with psycopg.connect(
            dbname=config["NAME"],
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
        ) as db:
            db.read_only = True
            return db.execute(query, params).fetchall()  # type: ignore[arg-type]

    def wait_for_mail(self, address: str, subject: str, timeout: float = 30) -> EmailMessage:
        """The first mail to `address` whose subject starts with `subject`, once it arrived."""

        def arrived() -> EmailMessage | None:
            mail = self.smtp.inbox.to(address)
            return next((m for m in mail if str(m["Subject"]).startswith(subject)), None)

        return self.wait_until(arrived, timeout, f"mail {subject!r} to {address}")

    def running(self, name: str) -> bool:
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def tail(self, *roles: str, chars: int = 1500) -> str:
        """The end of each process's log (of `roles`' processes, or of all), for a failure."""
        names = [n for role in roles for n in self.plan.commands(role)] if roles else None
        return "\n".join(
            f"--- {name}\n{self.log(name)[-chars:]}" for name in names or sorted(self.processes)
        )

    # -- processes -------------------------------------------------------------------------

    def _environ(self) -> dict[str, str]:
        environ = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        bin_folder = str(Path(sys.executable).parent)
        environ["PATH"] = os.pathsep.join([bin_folder, environ.get("PATH", ""), "/usr/sbin"])
        return environ

    def _spawn_service(self, role: str) -> None:
        for name, command in self.plan.commands(role, python=sys.executable).items():
            self._spawn(name, command, self.plan.env(role))

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        if self.running(name):
            raise RuntimeError(f"{name} is already running")
        log = self._files[name] = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(  # noqa: S603 (our own commands)
            command,
            cwd=ROOT,
            env={**self._environ(), **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's worker goes with it
        )

    def _kill(self, *names: str) -> None:
        """SIGTERM to each process's group at once, SIGKILL to what is left after 10 s."""
        processes = {name: self.processes.pop(name) for name in names if name in self.processes}
        for process in processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            with contextlib.suppress(ProcessLookupError):  # or a child left in its group
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for name in processes:
            self._files.pop(name).close()

    def _check_alive(self) -> None:
        dead = [name for name, process in self.processes.items() if process.poll() is not None]
        if dead:
            raise RuntimeError(f"{', '.join(dead)} exited:\n{self.tail()}")
