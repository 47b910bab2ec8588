"""`.venv/bin/python -m bench`: every benchmark in one run, one markdown report.

The catalog pages (list, category, search, filtered list, product page, home) against a bare
Django page of the same size served the same way, then add-to-cart and place-order through the
API; each part records the peak memory of one gunicorn worker. Writes bench/results/latest.md
(and the parts' own files). Needs PostgreSQL on 127.0.0.1, Redis, and wrk.
"""

from __future__ import annotations

from bench import catalog, checkout
from bench.common import ROOT


def main() -> None:
    catalog.main()
    checkout.main()
    results = ROOT / "bench" / "results"
    parts = [(results / name).read_text() for name in ("catalog.md", "checkout.md")]
    (results / "latest.md").write_text("\n".join(parts))


if __name__ == "__main__":
    main()
