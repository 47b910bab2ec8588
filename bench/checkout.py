"""Cart and checkout benchmark on PostgreSQL: add-to-cart and place-order through the REST API.

Run: `.venv/bin/python -m bench.checkout` (PostgreSQL on 127.0.0.1, gunicorn). Each simulated
shopper is its own process with its own account and API token; it loops "add an item, place the
order" and the two calls are timed apart. Writes bench/results/checkout.md.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime

import psutil

from bench.common import (
    ROOT,
    bench_env,
    cpu_seconds,
    cpu_used,
    fresh_database,
    gunicorn,
    manage,
    postgres_processes,
)

DATABASE = "microstore_bench_checkout"
PORT = 8803
SHOPPERS = 16
SECONDS = 20


def _setup(env: dict[str, str]) -> list[dict[str, object]]:
    script = f"""
import json
from decimal import Decimal
from rest_framework.authtoken.models import Token
from apps.accounts.models import User
from apps.accounts.services import address_create
from apps.catalog.services.products import product_create
products = [product_create(sku=f"P-{{n}}", name=f"Thing {{n}}", price=Decimal("12.50"),
            on_hand=1_000_000).pk for n in range(50)]
out = []
for n in range({SHOPPERS}):
    user = User.objects.create_user(email=f"load{{n}}@example.com", password="x")
    address = address_create(user=user, label="Home", full_name="Load Tester", line1="1 Main St",
                             city="Paris", postal_code="75001", country="FR")
    out.append({{"token": Token.objects.create(user=user).key, "address": address.pk,
                 "products": products}})
print(json.dumps(out))
"""
    return json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])


def _call(method: str, path: str, token: str, body: dict, headers: dict | None = None) -> float:
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}", method=method, data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json",
                 **(headers or {})},
    )  # fmt: skip
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()
        if response.status >= 300:
            raise RuntimeError(f"{path}: {response.status}")
    return (time.perf_counter() - start) * 1000


def _shopper(args: tuple[dict[str, object], float]) -> tuple[list[float], list[float]]:
    shopper, until = args
    adds, orders, n = [], [], 0
    while time.time() < until:
        product = shopper["products"][n % 50]  # type: ignore[index]
        adds.append(_call("POST", "/api/v1/cart/items/", shopper["token"],  # type: ignore[arg-type]
                          {"product_id": product, "quantity": 1}))  # fmt: skip
        orders.append(_call("POST", "/api/v1/orders/", shopper["token"],  # type: ignore[arg-type]
                            {"address_id": shopper["address"]},
                            {"Idempotency-Key": uuid.uuid4().hex}))  # fmt: skip
        n += 1
    return adds, orders


def _row(name: str, samples: list[float], seconds: float) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return (f"| {name} | {len(samples):,} | {len(samples) / seconds:,.0f} | "
            f"{statistics.median(samples):.1f} | {cuts[98]:.1f} |")  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    fresh_database(DATABASE)
    env = bench_env(DATABASE)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    shoppers = _setup(env)
    queries = json.loads(subprocess.run(
        [sys.executable, "-m", "bench.checkout_queries"], cwd=ROOT, check=True,
        env={**env, "DJANGO_ALLOWED_HOSTS": "testserver"}, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1])  # fmt: skip
    with gunicorn(env, PORT, workers=4) as server:
        # Who used the CPU during the run: the shoppers (this process's children, counted when
        # the pool has reaped them), gunicorn, PostgreSQL. All share the same cores.
        client_before, web_before = _children_cpu(), server.cpu_seconds()
        db_before = cpu_seconds(postgres_processes())
        started = time.time()
        until = started + SECONDS
        with multiprocessing.Pool(SHOPPERS) as pool:
            done = pool.map(_shopper, [(s, until) for s in shoppers])
        elapsed = time.time() - started
        client = _children_cpu() - client_before
        web = cpu_used(web_before, server.cpu_seconds())
        db = cpu_used(db_before, cpu_seconds(postgres_processes()))
        adds = [ms for a, _ in done for ms in a]
        orders = [ms for _, o in done for ms in o]
    cores = psutil.cpu_count() or 1
    report = "\n".join([
        f"# Cart and checkout benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
        f"{SHOPPERS} shoppers, each its own process and account, loop for {SECONDS} s: add an item",
        "(POST /api/v1/cart/items/), place the order (POST /api/v1/orders/ with a fresh",
        "Idempotency-Key). PostgreSQL, gunicorn 4 sync workers, DEBUG off, full middleware, every",
        "service bound `local`, the fake payment gateway, no task worker running. Every call is a",
        "new connection (gunicorn's sync workers close it after the response). Everything runs on",
        "the same machine.",
        "Reproduce: `.venv/bin/python -m bench.checkout`.", "",
        "| call | calls | per second | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|",
        _row("add to cart", adds, SECONDS), _row("place order", orders, SECONDS), "",
        f"Queries per call (measured in-process): add to cart {queries['add']} (a new line; "
        f"{queries['add_more']} to add more of a line), place order {queries['order']}.", "",
        f"CPU time during the run ({elapsed:.0f} s on {cores} cores, {elapsed * cores:.0f} "
        f"CPU-seconds): gunicorn {web:.1f} s, PostgreSQL {db:.1f} s, the shoppers {client:.1f} s.",
        "",
        f"Peak resident memory of one gunicorn worker: {server.peak_worker_mb:.0f} MB.", "",
    ])  # fmt: skip
    (ROOT / "bench" / "results" / "checkout.md").write_text(report)
    print(report)  # noqa: T201


if __name__ == "__main__":
    main()
