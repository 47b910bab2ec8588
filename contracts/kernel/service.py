"""What every service promises, whichever app it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ServiceHealth:
    """A service's answer to a health probe."""

    service: str
    version: str
    ok: bool
    detail: str = ""


class Service(Protocol):
    """The methods every contract's Protocol inherits."""

    def health(self) -> ServiceHealth:
        """Probe the service's own dependencies (its tables, its gateway). Read-only, cheap,
        idempotent; never raises: a failure is reported with ``ok=False`` and a detail."""
        ...


def probe(service: str, version: str, check: Callable[[], object]) -> ServiceHealth:
    """Run `check` and report it as a ServiceHealth; an exception becomes ``ok=False``."""
    try:
        check()
    except Exception as exc:  # a probe reports failures, it never raises them
        return ServiceHealth(service, version, ok=False, detail=f"{type(exc).__name__}: {exc}")
    return ServiceHealth(service, version, ok=True)
