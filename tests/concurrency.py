"""Running the same work on many threads at once, each with its own database connection."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from django.db import connections


def race(
    count: int, work: Callable[[int], object], *, expected: dict[type[Exception], str] | None = None
) -> Counter[str]:
    """Start `count` threads together on `work(n)`; count "ok", each expected error's label, and
    any other error by its text (so a test can assert there were none)."""
    barrier = threading.Barrier(count)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait()
            try:
                work(n)
                outcome = "ok"
            except tuple(expected or ()) as exc:
                outcome = next(v for k, v in (expected or {}).items() if isinstance(exc, k))
            except Exception as exc:  # recorded, then asserted absent by the test
                outcome = f"{type(exc).__name__}: {exc}"
            with lock:
                outcomes[outcome] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes
