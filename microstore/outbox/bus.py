"""The outbox as the event bus: publishing writes rows in the caller's transaction."""

from __future__ import annotations

from django.db import transaction

from contracts import subscriptions
from contracts.kernel import codec
from contracts.kernel.events import Event, subscribers_of
from microstore import context
from microstore.outbox.models import Delivery, OutboxEvent


class OutboxBus:
    """Implements `contracts.kernel.events.EventBus` with the transactional outbox.

    The event row, one delivery row per subscriber and the delivery tasks are all written in
    the caller's transaction (the task queue lives in the same database), so a rollback sends
    nothing and a commit loses nothing. The subscribers are those `contracts.subscriptions`
    declares, wherever their service runs (no handler of another process is imported), and
    any other this process registered (a test's).
    """

    def publish(self, event: Event) -> None:
        from microstore.outbox.tasks import deliver_event

        subscribers = subscriber_names(type(event))
        # No savepoint: inside the caller's transaction the rows stand or fall with it (a
        # savepoint would cost two round trips per event for nothing); outside, one of its own.
        with transaction.atomic(savepoint=False):
            row = OutboxEvent.objects.create(
                id=event.event_id,
                event_type=event.event_type(),
                version=event.version,
                payload=codec.encode(event, type(event)),
                occurred_at=event.occurred_at,
                request_id=context.request_id.get(),
            )
            deliveries = Delivery.objects.bulk_create(
                Delivery(event=row, subscriber=name) for name in subscribers
            )
            for delivery in deliveries:
                deliver_event.enqueue(delivery.pk)


def subscriber_names(event_type: type[Event]) -> list[str]:
    """Who gets a delivery of `event_type`: every declared subscriber, and every one this
    process registered that is not a service's (the start-up check keeps those declared)."""
    declared = {s.name for s in subscriptions.subscribers_of(event_type)}
    return sorted(declared | {s.name for s in subscribers_of(event_type)})
