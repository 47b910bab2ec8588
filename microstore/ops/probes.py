"""The service registry as ops see it: every service, its binding, and its last probe.

A probe asks the bound service for its `health()` and is remembered in the cache (shared by
every process when the cache is Redis), so the health page, the services API and the dashboard
show the same last result and when it was taken. For an HTTP binding the answer is the remote's:
the contract version and build it runs (an incompatible major version or no answer at all is a
failing probe, `ServiceClient.health`); an in-process binding runs this process's build.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from contracts.kernel.registry import registry
from contracts.kernel.service import Service, ServiceHealth

logger = logging.getLogger(__name__)
_KEY = "ops:probe:{}"
_KEEP = 24 * 3600


@dataclass(frozen=True)
class Probe:
    """One service's entry: binding, version and the last answer to its health probe."""

    service: str
    binding: str  # as configured: local, loopback or the base URL
    transport: str  # local, loopback or http
    address: str  # the base URL, or "in-process"
    version: str  # the contract version the service answered with ("?" without an answer)
    build: str  # the build it runs, as its health answer said ("?" without an answer)
    ok: bool
    detail: str
    checked_at: datetime
    seconds: float


def probe(service: str) -> Probe:
    """Probe `service` now and remember the answer."""
    binding = registry.bindings()[service]
    started = time.perf_counter()
    implementation: object = None
    try:
        implementation = registry.resolve(service)
        health = cast(Service, implementation).health()
    except Exception as exc:  # health() must not raise; one that does is reported, not raised
        health = ServiceHealth(service, "?", ok=False, detail=f"{type(exc).__name__}: {exc}")
    result = Probe(
        service=service,
        binding=binding.kind,
        transport=binding.transport,
        address=binding.address,
        version=health.version,
        build=_build_of(implementation, binding.remote),
        ok=health.ok,
        detail=health.detail,
        checked_at=timezone.now(),
        seconds=time.perf_counter() - started,
    )
    try:
        cache.set(_KEY.format(service), asdict(result), _KEEP)
    except Exception:  # the cache has its own health check; the probe's answer stands
        logger.warning("ops: the probe of %s could not be remembered", service, exc_info=True)
    return result


def _build_of(implementation: object, remote: bool) -> str:
    """A client knows the build its last health answer named; a facade is this process."""
    build = getattr(implementation, "build", None)
    if isinstance(build, str):
        return build
    return "?" if remote else str(settings.MICROSTORE_BUILD)


def last(service: str) -> Probe | None:
    """The last remembered probe of `service`, if any."""
    try:
        return Probe(**cache.get(_KEY.format(service)))
    except Exception:  # none yet, the cache is away, or another version wrote it: probe again
        return None


def services(max_age: float | None = None) -> list[Probe]:
    """Every bound service with its last probe; probed now when it has none or it is older than
    `max_age` seconds (None: always probe now)."""
    rows = []
    now = timezone.now()
    for name in registry.bindings():
        known = None if max_age is None else last(name)
        if known is None or (now - known.checked_at).total_seconds() > (max_age or 0):
            known = probe(name)
        rows.append(known)
    return rows
