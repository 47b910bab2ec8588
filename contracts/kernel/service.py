"""What every service promises, whichever app it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Repeat = Literal["read_only", "idempotent"]
_REPEAT = "__contract_repeat__"
_TIMEOUT = "__contract_timeout__"


def read_only[F: Callable[..., Any]](method: F) -> F:
    """Declare a contract method read-only: calling it again changes nothing, so a client may
    retry it after a lost answer."""
    setattr(method, _REPEAT, "read_only")
    return method


def idempotent[F: Callable[..., Any]](method: F) -> F:
    """Declare a contract method idempotent (by its key or reference): a repeat with the same
    arguments answers as the first call did, so a client may retry it after a lost answer."""
    setattr(method, _REPEAT, "idempotent")
    return method


def answers_within[F: Callable[..., Any]](seconds: float) -> Callable[[F], F]:
    """Declare how long a caller should wait for this method's answer (the client's default
    otherwise): for methods that call something slow themselves, such as a payment gateway."""

    def declare(method: F) -> F:
        setattr(method, _TIMEOUT, seconds)
        return method

    return declare


def repeat_safety(method: Callable[..., Any]) -> Repeat | None:
    """How a Protocol method was declared: "read_only", "idempotent", or None (never retried)."""
    return getattr(method, _REPEAT, None)


def declared_timeout(method: Callable[..., Any]) -> float | None:
    """The answer timeout a Protocol method declares, if any (seconds)."""
    return getattr(method, _TIMEOUT, None)


@dataclass(frozen=True)
class ServiceHealth:
    """A service's answer to a health probe."""

    service: str
    version: str
    ok: bool
    detail: str = ""


class Service(Protocol):
    """The methods every contract's Protocol inherits."""

    @read_only
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
