"""Domain events and the publish/subscribe port.

An event is a small frozen dataclass named in the past tense (`OrderPlaced`). `publish(event)`
hands it to the bound `EventBus`; Microstore binds the transactional outbox, so an event published
inside a transaction is delivered only if that transaction commits, to every subscriber, at least
once. Subscribers must therefore be idempotent: `event_id` identifies a delivery's event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, TypeVar, dataclass_transform
from uuid import UUID, uuid4

_EVENT_TYPES: dict[str, type[Event]] = {}
_SUBSCRIPTIONS: dict[str, Subscription] = {}
_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass_transform(kw_only_default=True, frozen_default=True)
@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every domain event.

    `event_id` is unique per occurrence, `occurred_at` is timezone-aware UTC, and the class
    attribute `version` is the schema version of the payload (bump it when fields change
    incompatibly). `event_type()` is the stable name, e.g. ``orders.OrderPlaced``.
    Subclasses are frozen, keyword-only dataclasses without needing the decorator.
    """

    version: ClassVar[int] = 1
    event_id: UUID = field(default_factory=uuid4)
    occurred_at: datetime = field(default_factory=_now)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True, kw_only=True)(cls)
        name = cls.event_type()
        known = _EVENT_TYPES.get(name)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"event type {name!r} is declared twice")
        _EVENT_TYPES[name] = cls

    @classmethod
    def event_type(cls) -> str:
        """`<service>.<ClassName>`, taken from the contracts package that declares the event."""
        parts = cls.__module__.split(".")
        service = parts[1] if len(parts) > 1 and parts[0] == "contracts" else parts[-1]
        return f"{service}.{cls.__name__}"


def event_class(event_type: str) -> type[Event]:
    """The event class registered under `event_type`; KeyError when unknown."""
    return _EVENT_TYPES[event_type]


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


@dataclass(frozen=True)
class Subscription:
    """One subscriber of one event type. `name` is stable: deliveries are recorded under it.
    `on_dead(event, error)`, when given, is told once the bus stops retrying a delivery."""

    name: str
    event_type: type[Event]
    handler: Handler
    on_dead: Callable[[Any, str], None] | None = None


def subscribe[E: Event](
    event_type: type[E], *, name: str, on_dead: Callable[[E, str], None] | None = None
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register the decorated function as the subscriber `name` (``<app>.<what_it_does>``).

    The handler is called once per delivery, outside any transaction, and must be idempotent;
    raising makes the bus retry it with backoff. When the bus gives up (the delivery is parked
    as dead, until staff replay it) it calls `on_dead(event, error)` if given.
    Registering the same name for a different function is an error.
    """
    if not _NAME.match(name):
        raise ValueError(f"subscriber name {name!r} must look like 'app.handler_name'")

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        known = _SUBSCRIPTIONS.get(name)
        if known is not None and _where(known.handler) != _where(handler):
            raise ValueError(f"subscriber name {name!r} is already taken")
        _SUBSCRIPTIONS[name] = Subscription(name, event_type, handler, on_dead)
        return handler

    return register


def _where(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribers_of(event_type: type[Event]) -> list[Subscription]:
    """Every subscription whose event type is `event_type` or one of its bases, by name."""
    return sorted(
        (s for s in _SUBSCRIPTIONS.values() if issubclass(event_type, s.event_type)),
        key=lambda s: s.name,
    )


def subscription(name: str) -> Subscription:
    """The subscription registered as `name`; KeyError when unknown."""
    return _SUBSCRIPTIONS[name]


def subscriptions() -> list[Subscription]:
    """Every subscription registered in this process, by name."""
    return sorted(_SUBSCRIPTIONS.values(), key=lambda s: s.name)


def unsubscribe(name: str) -> None:
    """Forget the subscriber `name` (tests register temporary subscribers)."""
    _SUBSCRIPTIONS.pop(name, None)


class EventBus(Protocol):
    """Where published events go. The composition root binds the transactional outbox."""

    def publish(self, event: Event) -> None:
        """Record `event` for delivery to every subscriber; part of the caller's transaction."""
        ...


_bus: EventBus | None = None


def set_bus(bus: EventBus | None) -> None:
    """Bind the event bus (done once by `microstore.bindings`)."""
    global _bus
    _bus = bus


def publish(event: Event) -> None:
    """Publish `event` through the bound bus; raises RuntimeError when none is bound."""
    if _bus is None:
        raise RuntimeError("no event bus is bound: microstore.bindings binds one at start-up")
    _bus.publish(event)
