"""Shared pieces of the benchmarks: a PostgreSQL database, gunicorn, wrk, and the table."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
SERVICES = ("catalog", "accounts", "cart", "orders", "payments", "notifications")


def bench_env(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"{PG}/{database}",
        "PYTHONPATH": str(ROOT),
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        # Every service in-process (the production default on one machine), whatever the shell
        # says; the secret signs internal calls, shared by this run's processes only.
        "MICROSTORE_SERVICES": json.dumps(dict.fromkeys(SERVICES, "local")),
        "MICROSTORE_INTERNAL_SECRET": secrets.token_urlsafe(48),
    }


def manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout


def fresh_database(name: str) -> None:
    for command in (["dropdb", "--if-exists", name], ["createdb", name]):
        subprocess.run(
            [*command[:1], "-h", "127.0.0.1", "-U", "postgres", *command[1:]], check=True
        )


class Server:
    """A running gunicorn, and the peak resident memory any one of its workers reached."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.peak_worker_mb = 0.0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        master = psutil.Process(self.process.pid)
        while not self._stop.wait(0.25):
            try:
                workers = master.children()
                sizes = [w.memory_info().rss for w in workers]
            except psutil.Error:
                continue
            if sizes:
                self.peak_worker_mb = max(self.peak_worker_mb, max(sizes) / 2**20)

    def cpu_seconds(self) -> dict[int, float]:
        """CPU time used so far by gunicorn (the master and its workers), by process id."""
        master = psutil.Process(self.process.pid)
        return cpu_seconds([master, *master.children()])


def cpu_seconds(processes: list[psutil.Process]) -> dict[int, float]:
    """User + system CPU time of each of `processes` so far, by process id."""
    used = {}
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        used[process.pid] = times.user + times.system
    return used


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU time spent between two `cpu_seconds` readings; a process born meanwhile counts in
    full (PostgreSQL starts a backend for each new connection)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def postgres_processes() -> list[psutil.Process]:
    """Every PostgreSQL process on this machine (the server, its backends and helpers)."""
    found = []
    for process in psutil.process_iter(["name"]):
        if (process.info["name"] or "").startswith(("postgres", "postmaster")):
            found.append(process)
    return found


@contextmanager
def gunicorn(
    env: dict[str, str], port: int, workers: int = 3, options: tuple[str, ...] = ()
) -> Iterator[Server]:
    """gunicorn's sync workers unless `options` say otherwise (e.g. `-k gthread`)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "microstore.wsgi:application", "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--access-logfile", "/dev/null",
         *options],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    server = Server(process)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        server._sampler.start()
        yield server
    finally:
        server._stop.set()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@dataclass
class Result:
    name: str
    url: str
    rps: float
    p50_ms: float
    p99_ms: float
    bytes: int
    queries: int | None = None


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(name: str, url: str, *, seconds: int = 10, connections: int = 32) -> Result:
    size = len(urllib.request.urlopen(url, timeout=10).read())  # noqa: S310
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{name}: {errors.group(1)} error responses from {url}")
    return Result(name, url, rps, p50, p99, size)


def table(results: list[Result], baseline: Result) -> str:
    lines = [
        "| page | bytes | requests/s | vs bare page | p50 ms | p99 ms | queries |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        queries = "—" if r.queries is None else str(r.queries)
        lines.append(
            f"| {r.name} | {r.bytes:,} | {r.rps:,.0f} | {r.rps / baseline.rps:.2f} | "
            f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {queries} |"
        )
    return "\n".join(lines)
