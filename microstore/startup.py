"""Stop start-up with one clear line when the configuration is wrong."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured


@contextmanager
def exit_on_config_error() -> Iterator[None]:
    """Turn a configuration error into `configuration error: <VARIABLE>: <problem>` and exit 2."""
    try:
        yield
    except ImproperlyConfigured as exc:
        print(f"configuration error: {exc}", file=sys.stderr)  # noqa: T201
        raise SystemExit(2) from None


def setup_or_exit() -> None:
    """`django.setup()`, failing fast and readably on a bad environment."""
    import django

    with exit_on_config_error():
        django.setup()
