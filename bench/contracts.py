"""Contract call benchmark: one call on each binding, local vs `loopback` vs HTTP on loopback.

Run: `.venv/bin/python -m bench.contracts [CALLS]` (PostgreSQL on 127.0.0.1, Redis). Fills
10,000 products, starts two gunicorn servers of the shop on 127.0.0.1 (every service bound
`local`, serving /internal/…): sync workers as in production (microstore/gunicorn_conf.py), which
close the connection after each response, and gthread workers, which keep it alive. Then, in
another process sharing this run's MICROSTORE_INTERNAL_SECRET (`bench.contract_calls`), CALLS
calls (default 1,000, after a warm-up) of `catalog.get_products` of 20 ids and CALLS pairs of
`reserve_stock` + `release_reservation` on each binding, and the HTTP ones again from 4 client
threads. `bench.contract_profile` then profiles the HTTP client and splits the server's share.
Writes bench/results/contracts.md.
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench.common import ROOT, bench_env, fresh_database, gunicorn, manage
from bench.contract_calls import ROUNDS, WARM_UP

DATABASE = "microstore_bench_contracts"
SYNC_PORT, GTHREAD_PORT = 8805, 8806
WORKERS = 2
CALLS = 1_000  # per binding: p99 is then the 10th slowest call; the whole run stays short

SYNC = "HTTP, sync workers"
GTHREAD = "HTTP, gthread keep-alive"
OPS = {
    "get_products": "`catalog.get_products` of 20 ids",
    "reserve_release": "`catalog.reserve_stock` (1 unit, a fresh reference) + "
    "`release_reservation`, timed as one pair",
}


def _python(env: dict[str, str], *args: str) -> Any:
    out = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, env=env, check=True, capture_output=True,
        text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def _table(rows: list[dict[str, Any]], op: str) -> list[str]:
    mine = [r for r in rows if r["op"] == op]
    local = next(r for r in mine if r["binding"] == "local")
    lines = [
        f"**{OPS[op]}**", "",
        "| binding | client threads | calls | calls/s | p50 ms | p99 ms | p50 × local | "
        "calls/s ÷ local | CPU ms/call: client | server | PostgreSQL | TCP connections opened |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for r in mine:
        server = f"{r['server_cpu_ms']:.2f}" if "server_cpu_ms" in r else "—"
        connections = f"{r['connections']:,}" if "connections" in r else "—"
        lines.append(
            f"| {r['binding']} | {r['threads']} | {r['calls']:,} | {r['per_second']:,.0f} | "
            f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['p50_ms'] / local['p50_ms']:.1f} | "
            f"{r['per_second'] / local['per_second']:.2f} | {r['client_cpu_ms']:.2f} | {server} | "
            f"{r['db_cpu_ms']:.2f} | {connections} |"
        )
    return [*lines, ""]


def _where(profile: dict[str, Any], calls: int) -> list[str]:
    """Where an HTTP call's time goes: the client's profile, the server's split, signing."""
    client = profile["client"]
    total = sum(client.values())
    server = list(profile["server"].values())
    dispatch, bare, full = (part["cpu_ms"] for part in server)
    sign = profile["signing"]
    return [
        "## Where an HTTP call's time goes (`get_products`, keep-alive server)", "",
        f"The client side, {calls:,} calls under cProfile (which slows small functions down:",
        "read the shares):", "",
        "| client part | ms per call (profiled) | share |", "|---|---:|---:|",
        *(f"| {name} | {ms:.2f} | {ms / total:.0%} |" for name, ms in client.items()),
        "",
        "The server side, timed in the bench's process on the same signed request (no profiler;",
        "CPU is this process's, the database's is not in it):", "",
        "| server part | p50 ms | CPU ms per call (median) |", "|---|---:|---:|",
        *(f"| {name} | {part['p50_ms']:.2f} | {part['cpu_ms']:.2f} |"
          for name, part in profile["server"].items()),
        "",
        f"Django's request handling adds {bare - dispatch:+.2f} ms of CPU per call to `dispatch`,",
        f"the shop's whole middleware stack {full - bare:+.2f} ms "
        f"({(full - bare) / full:+.0%} of the server's in-process CPU).",
        f"Signing costs {sign['sign_ms']:.3f} ms per call; verifying {sign['verify_ms']:.3f} ms",
        "(the HMAC, then the nonce added in Redis: one round trip).",
        "",
    ]  # fmt: skip


def _machine() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    text = cpuinfo.read_text() if cpuinfo.exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", text)
    name = model.group(1).strip() if model else platform.machine()
    return f"{name}, {psutil.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else CALLS
    load_before = psutil.getloadavg()[0]
    fresh_database(DATABASE)
    env = bench_env(DATABASE)
    manage(env, "migrate", "--noinput", "-v0")
    subprocess.run([sys.executable, "-m", "bench.fill", "10000"], cwd=ROOT, env=env, check=True)
    sync_url, gthread_url = (f"http://127.0.0.1:{port}" for port in (SYNC_PORT, GTHREAD_PORT))
    threaded = ("-k", "gthread", "--threads", "4")
    with (
        gunicorn(env, SYNC_PORT, WORKERS) as sync,
        gunicorn(env, GTHREAD_PORT, WORKERS, threaded) as gthread,
    ):
        servers = [
            {"name": SYNC, "url": sync_url, "pid": sync.process.pid},
            {"name": GTHREAD, "url": gthread_url, "pid": gthread.process.pid},
        ]
        rows = _python(env, "bench.contract_calls", str(calls), json.dumps(servers))
        profile = _python(env, "bench.contract_profile", gthread_url, str(calls // 4))
    load = psutil.getloadavg()[0]
    report = "\n".join([
        f"# Contract call benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
        "One contract call on each binding, in one run: `local` (the catalog's facade in the",
        "caller's process), `loopback` (the facade through the codec, signed and checked as over",
        "HTTP, still in-process) and HTTP on 127.0.0.1 to a gunicorn of the shop (2 workers,",
        "DEBUG off, full middleware, every service bound `local`, serving /internal/…): with sync",
        "workers as in production (microstore/gunicorn_conf.py; they close the connection after",
        "each response, so every call opens one) and with gthread workers (4 threads each), which",
        "keep it alive for httpx's pool. PostgreSQL with 10,000 products; the signatures' nonces",
        f"in Redis. {calls:,} timed calls per row ({calls // 2:,} pairs of reserve + release)",
        f"after {WARM_UP} warm-up calls, the bindings taking turns in {ROUNDS} rounds. The client,",
        f"the servers and the database share {_machine()};",
        f"load average {load_before:.1f} before the run, {load:.1f} after: other work on the",
        "machine inflates latencies, much less the CPU time per call.",
        "Notes on these figures: [contracts-notes.md](contracts-notes.md).",
        "Reproduce: `.venv/bin/python -m bench.contracts`.", "",
        *_table(rows, "get_products"),
        *_table(rows, "reserve_release"),
        *_where(profile, calls // 4),
    ])  # fmt: skip
    (ROOT / "bench" / "results" / "contracts.md").write_text(report)
    print(report)  # noqa: T201


if __name__ == "__main__":
    main()
