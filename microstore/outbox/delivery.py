"""Delivering outbox events to subscribers: at least once, with backoff, then parked as dead."""

from __future__ import annotations

import logging
import random
import traceback
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from contracts import subscriptions
from contracts.kernel import codec
from contracts.kernel.events import event_class, subscription
from contracts.kernel.registry import registry
from microstore import context
from microstore.outbox.models import Delivery, OutboxEvent
from microstore.transport import event_client

logger = logging.getLogger(__name__)
Status = Delivery.Status


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with up to 20 % jitter: base · 2^(attempts−1), capped."""
    base = settings.OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    delay = min(base, settings.OUTBOX_BACKOFF_MAX_SECONDS)
    return timedelta(seconds=delay * (1 + random.random() / 5))  # noqa: S311  # jitter only


def lease() -> timedelta:
    """How long a worker holds a delivery before another may take it over."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for this worker with one conditional update (no read-then-write)."""
    due = Q(status=Status.PENDING) | Q(status=Status.RUNNING, lease_until__lt=now)
    return bool(
        Delivery.objects.filter(due, pk=delivery_id).update(
            status=Status.RUNNING, lease_until=now + lease(), attempts=F("attempts") + 1
        )
    )


def deliver(delivery_id: int) -> str:
    """Run one delivery; returns its new status (or ``skipped`` when it was not due)."""
    if not _claim(delivery_id, timezone.now()):
        return "skipped"
    delivery = Delivery.objects.select_related("event").get(pk=delivery_id)
    row = delivery.event
    token = context.request_id.set(row.request_id or context.request_id.get())
    try:
        _hand_over(delivery.subscriber, row)
    except event_client.Undeliverable as exc:  # the receiver refuses it for good
        return _failed(delivery, exc, final=True)
    except Exception as exc:  # a failing subscriber must not lose the event
        return _failed(delivery, exc)
    finally:
        context.request_id.reset(token)
    Delivery.objects.filter(pk=delivery_id, status=Status.RUNNING).update(
        status=Status.DELIVERED, delivered_at=timezone.now(), lease_until=None
    )
    return Status.DELIVERED


def _hand_over(subscriber: str, row: OutboxEvent) -> None:
    """Call the subscriber's handler here, or send the event to its service's process (or
    through the server code of this one, for a service bound `loopback`)."""
    entry = subscriptions.declared(subscriber)
    binding = registry.bindings().get(entry.service) if entry else None
    if binding is None or binding.kind == "local":
        subscription(subscriber).handler(codec.decode(row.payload, event_class(row.event_type)))
        return
    event_client.send(
        event_client.transport_for(binding.kind),
        service=binding.service,
        subscriber=subscriber,
        event_type=row.event_type,
        version=row.version,
        payload=row.payload,
    )


def _failed(delivery: Delivery, exc: Exception, *, final: bool = False) -> str:
    from microstore.outbox.tasks import deliver_event

    if isinstance(exc, event_client.DeliveryFailed):  # says itself where it went wrong
        error = str(exc)[:2000]
    else:
        error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
    dead = final or delivery.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    retry_at = timezone.now() + backoff(delivery.attempts)
    with transaction.atomic():
        parked = Delivery.objects.filter(pk=delivery.pk, status=Status.RUNNING).update(
            status=Status.DEAD if dead else Status.PENDING,
            last_error=error,
            lease_until=None,
            next_attempt_at=retry_at,
        )
        if not dead:
            deliver_event.using(run_after=retry_at).enqueue(delivery.pk)
        elif parked:
            _tell_parked(delivery, error)
    log = logger.error if dead else logger.warning
    log(
        "delivery %s of %s to %s failed (attempt %s): %s",
        delivery.pk,
        delivery.event.event_type,
        delivery.subscriber,
        delivery.attempts,
        error,
        exc_info=dead,
    )
    return Status.DEAD if dead else Status.PENDING


def _tell_parked(delivery: Delivery, error: str) -> None:
    """Let the subscriber record that its delivery is parked (e.g. an email as failed), in the
    transaction that parks it; its own failure is logged and never keeps the delivery alive.
    Only a subscriber whose handlers this process runs is told: a hook is declared only on
    an event of the subscriber's own service (`bindings.subscription_problems`), published in
    the process that runs it, so both topologies tell it alike."""
    try:
        on_dead = subscription(delivery.subscriber).on_dead
    except KeyError:  # another process's subscriber: its hooks are its own
        return
    if on_dead is None:
        return
    try:
        with transaction.atomic():
            row = delivery.event
            on_dead(codec.decode(row.payload, event_class(row.event_type)), error)
    except Exception:
        logger.exception("the dead-letter hook of %s failed", delivery.subscriber)


def replay(delivery_ids: Iterable[int]) -> int:
    """Give dead deliveries a fresh set of attempts; returns how many were requeued."""
    from microstore.outbox.tasks import deliver_event

    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update()
            .filter(pk__in=list(delivery_ids), status=Status.DEAD)
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(
            status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        for pk in ids:
            deliver_event.enqueue(pk)
    return len(ids)


def requeue_stale(grace: timedelta = timedelta(minutes=2)) -> int:
    """Enqueue deliveries whose task went missing: overdue pending ones and expired leases."""
    from microstore.outbox.tasks import deliver_event

    now = timezone.now()
    stale = Delivery.objects.filter(
        Q(status=Status.PENDING, next_attempt_at__lt=now - grace)
        | Q(status=Status.RUNNING, lease_until__lt=now)
    ).values_list("pk", flat=True)[:500]
    ids = list(stale)
    for pk in ids:
        deliver_event.enqueue(pk)
    return len(ids)
