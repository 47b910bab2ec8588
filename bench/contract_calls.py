"""`python -m bench.contract_calls CALLS SERVERS_JSON`: one contract call on each binding, as JSON.

Run by `bench.contracts`, which fills the database and starts the gunicorn servers that
SERVERS_JSON lists (`[{"name", "url", "pid"}]`). In this process the catalog is bound `local`
(the facade), `loopback` (the facade through the codec, signed and checked as over HTTP) and to
each server's URL (the HTTP client), the last server also from THREADS client threads. Each
binding gets a warm-up, then CALLS timed calls of `get_products` (20 ids) and CALLS / 2 pairs of
`reserve_stock` (1 unit, a fresh reference) + `release_reservation`. The bindings take turns in
ROUNDS rounds, so that a change in the shared machine's load hits each of them alike.

Besides latency, each row reports CPU time per call, which the machine's load inflates far less:
this process's (the client; the facade itself for local and loopback), the server's, and that of
the PostgreSQL backends of this database. The HTTP client counts the TCP connections it opened
(httpcore's own trace), which shows whether keep-alive held.
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import django
import psutil

from bench.common import cpu_seconds, cpu_used

WARM_UP = 100
THREADS = 4
ROUNDS = 4


class ConnectionCounter(logging.Handler):
    """Counts httpcore's `connect_tcp.complete` events: one per TCP connection opened."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.opened = 0
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("connect_tcp.complete"):
            with self._lock:
                self.opened += 1

    def install(self) -> None:
        # Only connection-level events go to this logger (connect, TLS, close): no cost per call.
        logger = logging.getLogger("httpcore.connection")
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        logger.addHandler(self)


def operations(catalog: Any, ids: tuple[int, ...], stocked: int) -> dict[str, Callable[[], None]]:
    from contracts.catalog.dto import StockLine

    line = (StockLine(product_id=stocked, quantity=1),)

    def get_products() -> None:
        found = catalog.get_products(ids)
        assert len(found) == len(ids), len(found)

    def reserve_release() -> None:
        reference = f"bench-{uuid.uuid4().hex}"
        catalog.reserve_stock(line, reference, 600)
        catalog.release_reservation(reference)

    return {"get_products": get_products, "reserve_release": reserve_release}


def database_backends(database: str) -> list[psutil.Process]:
    """The PostgreSQL backends connected to `database` (their title names it)."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        title = " ".join(process.info["cmdline"] or ())
        if (process.info["name"] or "").startswith("postgres") and f" {database} " in title:
            found.append(process)
    return found


@dataclass
class Run:
    """One binding, called from `threads` threads; what its timed calls added up to."""

    name: str
    kind: str
    threads: int
    server: psutil.Process | None
    samples: list[float] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    db_cpu: float = 0.0
    connections: int = 0

    def server_seconds(self) -> dict[int, float]:
        if self.server is None:
            return {}
        return cpu_seconds([self.server, *self.server.children()])

    def row(self, op: str) -> dict[str, Any]:
        calls = len(self.samples)
        cuts = statistics.quantiles(self.samples, n=100)
        row = {
            "binding": self.name, "threads": self.threads, "op": op, "calls": calls,
            "per_second": calls / self.seconds, "p50_ms": statistics.median(self.samples),
            "p99_ms": cuts[98], "client_cpu_ms": self.client_cpu * 1000 / calls,
            "db_cpu_ms": self.db_cpu * 1000 / calls,
        }  # fmt: skip
        if self.server is not None:
            row["server_cpu_ms"] = self.server_cpu * 1000 / calls
            row["connections"] = self.connections
        return row


def timed(
    run: Run, call: Callable[[], None], calls: int, counter: ConnectionCounter, db: str
) -> None:
    """`calls` calls split over the run's threads, added to the run's figures."""
    per_thread: list[list[float]] = [[] for _ in range(run.threads)]

    def loop(mine: list[float]) -> None:
        clock = time.perf_counter
        for _ in range(max(1, calls // run.threads)):  # at least one, for a tiny smoke run
            start = clock()
            call()
            mine.append((clock() - start) * 1000)

    workers = [threading.Thread(target=loop, args=(mine,)) for mine in per_thread]
    opened, server, backends = counter.opened, run.server_seconds(), database_backends(db)
    db_before, cpu = cpu_seconds(backends), time.process_time()
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    run.seconds += time.perf_counter() - started
    run.client_cpu += time.process_time() - cpu
    run.server_cpu += cpu_used(server, run.server_seconds())
    run.db_cpu += cpu_used(db_before, cpu_seconds(database_backends(db)))
    run.connections += counter.opened - opened
    run.samples.extend(ms for mine in per_thread for ms in mine)


def setup() -> tuple[tuple[int, ...], int]:
    """20 active products' ids, and a product with stock enough for every reservation."""
    from decimal import Decimal

    from apps.catalog.models import Product
    from apps.catalog.services.products import product_create

    active = Product.objects.filter(is_active=True).order_by("pk")
    ids = tuple(active.values_list("pk", flat=True)[:20])
    stocked = Product.objects.filter(sku="BENCH-STOCKED").values_list("pk", flat=True).first()
    if stocked is None:
        stocked = product_create(
            sku="BENCH-STOCKED", name="Bench stock", price=Decimal("9.90"), on_hand=10_000_000
        ).pk
    return ids, stocked


def main(calls: int, servers: list[dict[str, Any]]) -> None:
    django.setup()
    from django.conf import settings

    from microstore.bindings import build

    database = settings.DATABASES["default"]["NAME"]
    counter = ConnectionCounter()
    counter.install()
    ids, stocked = setup()
    out = []
    for op, count in (("get_products", calls), ("reserve_release", calls // 2)):
        runs = [Run("local", "local", 1, None), Run("loopback", "loopback", 1, None)]
        runs += [Run(s["name"], s["url"], 1, psutil.Process(s["pid"])) for s in servers]
        last = servers[-1]
        runs.append(Run(last["name"], last["url"], THREADS, psutil.Process(last["pid"])))
        calling = {
            id(run): operations(build("catalog", run.kind), ids, stocked)[op] for run in runs
        }
        for run in runs:
            for _ in range(WARM_UP):
                calling[id(run)]()
        for _ in range(ROUNDS):
            for run in runs:
                timed(run, calling[id(run)], count // ROUNDS, counter, database)
        for run in runs:
            out.append(run.row(op))
            rate = f"{out[-1]['per_second']:,.0f}/s"
            print(f"{run.name} ×{run.threads} {op}: {rate}", file=sys.stderr)  # noqa: T201
    print(json.dumps(out))  # noqa: T201


if __name__ == "__main__":
    main(int(sys.argv[1]), json.loads(sys.argv[2]))
