"""Who reacts to which event, declared where every process can read it without the handlers.

A process that publishes an event writes one outbox delivery per subscriber listed here, and
sends each to the subscriber's service wherever it runs: in this process (its handler is
called) or in another one (over the transport, `POST /internal/<service>/events`). So a
publisher never imports another service's handlers, and the receiving side accepts an event
only for a subscriber of its own listed here, from the service that publishes that event type
(`may_deliver`), as the server checks `contracts.directory.may_call` for contract calls.

Each line names a subscriber by its `@subscribe(..., name=...)` name, ``<service>.<what>``.
The composition root checks at start-up that the handlers it loads are exactly these (a
subscriber missing here would never be delivered across processes; one listed here without a
handler would be refused by its own process). `manage.py events` prints the table with each
handler; `docs/events.md` is its output.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from contracts.directory import CONTRACTS
from contracts.kernel.events import Event
from contracts.notifications.events import EmailQueued
from contracts.orders.events import (
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderPaymentFailed,
    OrderPlaced,
    OrderRefunded,
)
from contracts.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded


@dataclass(frozen=True)
class Subscribes:
    """Subscriber `name` (``<service>.<what_it_does>``) reacts to `event` and its subclasses."""

    name: str
    event: type[Event]

    @property
    def service(self) -> str:
        """The service whose handler this is: the part of the name before the dot."""
        return self.name.split(".", 1)[0]

    @property
    def publisher(self) -> str:
        return publisher_of(self.event)


SUBSCRIPTIONS: tuple[Subscribes, ...] = (
    # notifications emails the shopper about an order's life, and sends its own queued emails.
    Subscribes("notifications.order_placed", OrderPlaced),
    Subscribes("notifications.order_paid", OrderPaid),
    Subscribes("notifications.order_payment_failed", OrderPaymentFailed),
    Subscribes("notifications.order_fulfilled", OrderFulfilled),
    Subscribes("notifications.order_cancelled", OrderCancelled),
    Subscribes("notifications.order_refunded", OrderRefunded),
    Subscribes("notifications.send_email", EmailQueued),
    # orders hears how its payments went (payments never calls orders).
    Subscribes("orders.payment_succeeded", PaymentSucceeded),
    Subscribes("orders.payment_failed", PaymentFailed),
    Subscribes("orders.payment_refunded", PaymentRefunded),
    # payments closes the open payment of an order that was cancelled.
    Subscribes("payments.order_cancelled", OrderCancelled),
)

_BY_NAME = {s.name: s for s in SUBSCRIPTIONS}


def publisher_of(event: type[Event]) -> str:
    """The service that publishes `event`: the contracts package declaring it."""
    return event.event_type().split(".", 1)[0]


def declared(name: str) -> Subscribes | None:
    """The subscriber `name` as declared here, or None."""
    return _BY_NAME.get(name)


def subscribers_of(event: type[Event]) -> list[Subscribes]:
    """Every declared subscriber of `event` (or of one of its bases), by name."""
    return sorted((s for s in SUBSCRIPTIONS if issubclass(event, s.event)), key=lambda s: s.name)


def may_deliver(caller: str, subscriber: str, event: type[Event]) -> bool:
    """May `caller` deliver `event` to `subscriber`? Only the event's publisher may, and only
    to a subscriber declared for it."""
    entry = declared(subscriber)
    return entry is not None and issubclass(event, entry.event) and caller == publisher_of(event)


def event_types() -> list[type[Event]]:
    """Every event a service's contract declares (`contracts.<service>.events`), by type name."""
    found: list[type[Event]] = []
    for module in _event_modules():
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Event)
            and value.__module__ == module.__name__
        )
    return sorted(found, key=lambda e: e.event_type())


def _event_modules() -> list[ModuleType]:
    modules = []
    for service in CONTRACTS:
        name = f"contracts.{service}.events"
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as exc:  # a service that publishes nothing
            if exc.name != name:
                raise
    return modules
