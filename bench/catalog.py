"""Catalog benchmark: 10,000 products on PostgreSQL, gunicorn (3 workers, DEBUG off), wrk.

Run: `.venv/bin/python -m bench.catalog` (needs PostgreSQL on 127.0.0.1 and wrk). Writes
bench/results/catalog.md. Figures are compared with a bare Django page of the same size served
by the same gunicorn in the same run, because absolute numbers drift on a shared machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime

from bench.common import ROOT, bench_env, fresh_database, gunicorn, manage, table, wrk

DATABASE = "microstore_bench"
PORT = 8801
PAGES = [
    ("product list", "/products/"),
    ("category list", "/c/shelf-1/"),
    ("search", "/products/?q=walnut+lamp"),
    ("filtered list", "/products/?min_price=20&max_price=80&in_stock=on&sort=price&page=3"),
    ("product page", "/p/b-004242/"),
    ("home", "/"),
]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    fresh_database(DATABASE)
    env = bench_env(DATABASE)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    subprocess.run([sys.executable, "-m", "bench.fill", str(count)], cwd=ROOT, env=env, check=True)
    queries = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.queries", *(path for _, path in PAGES)],
            cwd=ROOT,
            env={**env, "DJANGO_ALLOWED_HOSTS": "testserver"},
            check=True,
            capture_output=True,
            text=True,
        ).stdout  # fmt: skip
    )
    base = f"http://127.0.0.1:{PORT}"
    with gunicorn(env, PORT) as server:
        size = len(urllib.request.urlopen(base + "/products/").read())  # noqa: S310
        baseline = wrk("bare Django page (same size)", f"{base}/bench/bare/{size}/")
        results = [
            baseline,
            wrk("our layout, static text (same size)", f"{base}/bench/layout/{size}/"),
        ]
        for name, path in PAGES:
            result = wrk(name, base + path)
            result.queries = queries[path]
            results.append(result)
    report = "\n".join([
        f"# Catalog benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{count:,} products on PostgreSQL; gunicorn 3 sync workers, DEBUG off, full middleware,",
        "every service bound `local`; `wrk -t2 -c32 -d10s` on the same 2-core machine. Ratios",
        "are against the bare page, measured in the same run. Reproduce:",
        "`.venv/bin/python -m bench.catalog`.",
        "",
        "As in production, pages come from the catalog's cache (apps/catalog/cache.py): what",
        "every visitor sees alike, for FRAGMENT_TTL seconds or until a catalog change, and the",
        "product page's availability for AVAILABILITY_SECONDS (adding to the cart checks",
        "it live). `queries` counts a request with the cache warm.",
        "",
        table(results, baseline),
        "",
        f"Peak resident memory of one gunicorn worker: {server.peak_worker_mb:.0f} MB.",
        "",
    ])  # fmt: skip
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "catalog.md").write_text(report)
    print(report)  # noqa: T201


if __name__ == "__main__":
    main()
