"""The service registry: which implementation answers each contract.

`microstore.bindings` binds every service once at start-up; callers use the typed accessors in
`contracts.<service>.service` (e.g. `catalog_service()`), never the registry directly. Tests
replace one service for a block with `registry.override(name, fake)`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

IN_PROCESS = "in-process"


@dataclass(frozen=True)
class Binding:
    """How one service is reached: `kind` is ``local``, ``loopback`` or a base URL."""

    service: str
    kind: str
    provider: Callable[[], Any]

    @property
    def transport(self) -> str:
        """``local`` (the facade), ``loopback`` (the transport's code in-process) or ``http``."""
        return "http" if self.kind.startswith(("http://", "https://")) else self.kind

    @property
    def address(self) -> str:
        """Where the service answers: its base URL, or ``in-process``."""
        return self.kind.rstrip("/") if self.transport == "http" else IN_PROCESS

    @property
    def remote(self) -> bool:
        """Served by another process (this one does not hold the service's data)."""
        return self.transport == "http"


class ServiceRegistry:
    """Maps service names to lazily built implementations."""

    def __init__(self) -> None:
        self._bindings: dict[str, Binding] = {}
        self._instances: dict[str, Any] = {}
        self._overrides: dict[str, list[Any]] = {}
        self._lock = threading.Lock()

    def bind(self, service: str, provider: Callable[[], Any], *, kind: str = "local") -> None:
        """Bind `service` to what `provider()` builds (called once, on first use)."""
        with self._lock:
            self._bindings[service] = Binding(service, kind, provider)
            self._instances.pop(service, None)

    def bindings(self) -> dict[str, Binding]:
        """Every bound service, by name."""
        return dict(self._bindings)

    def resolve(self, service: str) -> object:
        """The implementation of `service`; the typed accessors cast it to their Protocol.

        Raises LookupError when the service was never bound (a wiring bug, not a user error).
        """
        stack = self._overrides.get(service)
        if stack:
            return stack[-1]
        instance = self._instances.get(service)
        if instance is None:
            with self._lock:
                instance = self._instances.get(service)
                if instance is None:
                    binding = self._bindings.get(service)
                    if binding is None:
                        raise LookupError(f"service {service!r} is not bound")
                    instance = self._instances[service] = binding.provider()
        return instance

    @contextmanager
    def override(self, service: str, implementation: object) -> Iterator[None]:
        """Answer `service` with `implementation` inside the block (for tests and fakes)."""
        self._overrides.setdefault(service, []).append(implementation)
        try:
            yield
        finally:
            self._overrides[service].pop()


registry = ServiceRegistry()
