"""`.venv/bin/python -m bench`: every benchmark in one run, one markdown report.

The catalog pages (list, category, search, filtered list, product page, home) against a bare
Django page of the same size served the same way, then add-to-cart and place-order through the
API; each part records the peak memory of one gunicorn worker; then one contract call on each
binding (local, loopback, HTTP). The hot pages' servers bind every service `local`. Writes
bench/results/latest.md (and the parts' own files). Needs PostgreSQL on 127.0.0.1, Redis, wrk.
"""

from __future__ import annotations

from bench import catalog, checkout, contracts
from bench.common import ROOT


def main() -> None:
    catalog.main()
    checkout.main()
    contracts.main()
    results = ROOT / "bench" / "results"
    parts = [(results / name).read_text() for name in ("catalog.md", "checkout.md", "contracts.md")]
    (results / "latest.md").write_text("\n".join(parts))


if __name__ == "__main__":
    main()
