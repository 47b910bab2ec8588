"""The composition root: which implementation answers each contract.

This is the only module that imports `apps.*.facade`. `MICROSTORE_SERVICES` (settings, from the
environment) chooses each service's binding:

- `local`: the in-process facade (the production default on one machine);
- `loopback`: the same facade reached through the transport's client and server code in this
  process, every argument, result and error through the codec and every call signed and
  checked as over HTTP (what the test suite binds);
- a base URL (`http://127.0.0.1:8101`): the HTTP client of `microstore.transport`.

A service bound `local` or `loopback` is also served here, on `/internal/<service>/…`, and
its event handlers are loaded here; the handlers of a service bound to a URL are not imported:
its events reach it over the transport (`contracts.subscriptions` says who subscribes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from importlib import import_module
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from contracts import subscriptions
from contracts.kernel import events
from contracts.kernel.registry import ServiceRegistry, registry
from microstore.instrument import instrumented
from microstore.transport import client, server

FACADES: dict[str, str] = {
    "catalog": "apps.catalog.facade.CatalogFacade",
    "accounts": "apps.accounts.facade.AccountsFacade",
    "cart": "apps.cart.facade.CartFacade",
    "orders": "apps.orders.facade.OrdersFacade",
    "payments": "apps.payments.facade.PaymentsFacade",
    "notifications": "apps.notifications.facade.NotificationsFacade",
}
KINDS = ("local", "loopback")


def _local(path: str) -> Callable[[], Any]:
    module_path, _, name = path.rpartition(".")

    def build() -> Any:
        return getattr(import_module(module_path), name)()

    return build


def build(service: str, kind: str) -> Any:
    """A fresh, unmeasured implementation of `service` bound as `kind` (conformance suites
    build each binding this way)."""
    if kind == "local":
        return _local(FACADES[service])()
    if kind == "loopback":
        return client.ServiceClient(service, client.LoopbackTransport())
    if kind.startswith(("http://", "https://")):
        return client.ServiceClient(service, client.HttpTransport(kind))
    raise ImproperlyConfigured(
        f"MICROSTORE_SERVICES: {service!r} is bound to {kind!r}: expected "
        f"{', '.join(KINDS)} or a base URL"
    )


def bind_services(choices: Mapping[str, str], target: ServiceRegistry = registry) -> None:
    """Bind every service as `choices` say; ImproperlyConfigured names what is wrong."""
    for service, path in FACADES.items():
        kind = choices.get(service, "local")
        if kind not in KINDS and not kind.startswith(("http://", "https://")):
            build(service, kind)  # raises now, naming the service, not on the first call
        if target is registry:  # what this process answers on /internal/
            if kind in KINDS:
                server.serve(service, _local(path))
            else:
                server.stop_serving(service)
        # Every call through the binding is counted and timed (microstore.instrument).
        target.bind(service, instrumented(service, partial(build, service, kind)), kind=kind)


def served_here(choices: Mapping[str, str]) -> list[str]:
    """The services this process runs itself (bound `local` or `loopback`)."""
    return [service for service in FACADES if choices.get(service, "local") in KINDS]


def load_subscribers(services: Iterable[str] = tuple(FACADES)) -> None:
    """Import the event handlers of `services` so their @subscribe decorators register them,
    then check them against `contracts.subscriptions`."""
    services = list(services)
    for service in services:
        module = f"apps.{service}.handlers"
        try:
            import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    problems = subscription_problems(services)
    if problems:
        raise ImproperlyConfigured("event subscribers: " + "; ".join(problems))


def subscription_problems(services: Iterable[str]) -> list[str]:
    """Where the handlers registered for `services` and `contracts.subscriptions` disagree."""
    loaded = set(services)
    problems = []
    registered = {s.name: s for s in events.subscriptions() if s.name.split(".")[0] in FACADES}
    for name, handler in sorted(registered.items()):
        entry = subscriptions.declared(name)
        if entry is None or entry.event is not handler.event_type:
            problems.append(
                f"{name} handles {handler.event_type.event_type()}: declare it so in "
                "contracts/subscriptions.py"
            )
        elif handler.on_dead is not None and entry.publisher != entry.service:
            # Told where the outbox row is, the publisher's process: only its own events.
            problems.append(f"{name} has a dead-letter hook on another service's event")
    for entry in subscriptions.SUBSCRIPTIONS:
        if entry.service in loaded and entry.name not in registered:
            problems.append(f"{entry.name} is declared but apps.{entry.service} has no handler")
    return problems


def bind_all(choices: Mapping[str, str]) -> None:
    """Called once at start-up: services, the event bus (the outbox) and the subscribers."""
    from microstore.outbox.bus import OutboxBus

    bind_services(choices)
    events.set_bus(OutboxBus())
    load_subscribers(served_here(choices))
