"""Every contract call, timed and counted where services are bound (not inside each app).

`microstore.bindings` wraps each bound implementation in an `InstrumentedService`: a transparent
proxy whose public methods call the real one unchanged (same arguments, same result, same
exception) while counting the call by outcome (``ok``, the `ContractError` code, or
``exception``), timing it, and naming it in the log context (`context.contract_call`). A remote
that did not answer is ``unavailable``, or ``timeout`` when it was too slow: failures on the
dashboard, not refusals (`metrics.outcome_kind`).
`registry.override` is untouched: an override answers instead of the proxy.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from contracts.kernel.errors import ContractError
from microstore import context, metrics

logger = logging.getLogger(__name__)
# Health probes and the figures of the dashboard and /metrics are ops asking, not the shop
# working: they would inflate the call rates (every scrape and every 10 s poll asks each service).
UNMEASURED = frozenset({"health", "figures"})


class InstrumentedService:
    """Answers like `target`; each public method call is measured on the way through."""

    def __init__(self, service: str, target: object) -> None:
        self._service = service
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if name.startswith("_") or name in UNMEASURED or not callable(attribute):
            return attribute
        call = _measured(self._service, name, self._target)
        self.__dict__[name] = call  # later lookups skip __getattr__
        return call

    def __repr__(self) -> str:
        return f"<instrumented {self._service}: {self._target!r}>"


def _measured(service: str, method: str, target: object) -> Callable[..., Any]:
    # The method is looked up at each call, so a test that patches the facade still counts.
    @functools.wraps(getattr(target, method))
    def call(*args: Any, **kwargs: Any) -> Any:
        token = context.contract_call.set(f"{service}.{method}")
        started = time.perf_counter()
        outcome = "exception"
        try:
            result = getattr(target, method)(*args, **kwargs)
        except ContractError as exc:
            outcome = exc.code
            raise
        else:
            outcome = "ok"
            return result
        finally:
            elapsed = time.perf_counter() - started
            metrics.observe_contract_call(service, method, outcome, elapsed)
            if logger.isEnabledFor(logging.DEBUG):  # the record carries contract_call
                logger.debug("%s.%s %s in %.1f ms", service, method, outcome, elapsed * 1000)
            context.contract_call.reset(token)

    return call


def instrumented(service: str, provider: Callable[[], object]) -> Callable[[], object]:
    """A provider that builds what `provider` builds, wrapped for measurement."""

    def build() -> object:
        return InstrumentedService(service, provider())

    return build
