"""Writes of the notifications app: record an email owed, send it, send a failed one again."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.notifications import emails
from apps.notifications.models import Notification
from contracts.kernel import codec
from contracts.kernel.events import Event
from contracts.orders.dto import OrderDTO

logger = logging.getLogger(__name__)
Status = Notification.Status


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """base · 2^(attempts−1) seconds, capped: 5 s, 10 s, 20 s … with the defaults."""
    base = getattr(settings, "NOTIFICATIONS_BACKOFF_SECONDS", 5)
    cap = getattr(settings, "NOTIFICATIONS_BACKOFF_MAX_SECONDS", 3600)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def notification_record(*, event: Event, kind: str, order: OrderDTO) -> bool:
    """Record the email `kind` caused by `event` and enqueue its sending, once per (event, kind).

    Idempotent: a second delivery of the same event finds the row and enqueues nothing.
    The row and its task are written in one transaction (the task queue is in this database).
    Returns whether the row was created.
    """
    from apps.notifications.tasks import send_notification

    with transaction.atomic():
        row, created = Notification.objects.get_or_create(
            event_id=event.event_id,
            kind=kind,
            defaults={
                "recipient": order.email,
                "event_type": event.event_type(),
                "payload": codec.encode(event, type(event)),
                "order_number": order.number,
                "subject": emails.subject_for(kind, order),
            },
        )
        if created:
            send_notification.enqueue(row.pk)
    return created


def notification_send(notification_id: int) -> str:
    """Send one pending notification; returns its new status, or ``skipped`` if not pending.

    The claim is a conditional update whose row lock is held until the outcome commits, so a
    second worker waits, then finds the row no longer pending and sends nothing.
    """
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification_id, status=Status.PENDING).update(
            attempts=F("attempts") + 1
        )
        if not claimed:
            return "skipped"
        row = Notification.objects.get(pk=notification_id)
        try:
            mailers.default.send_messages([emails.build_message(row)])
        except Exception as exc:  # any failure of rendering or transport is retried
            return _failed(row, exc)
        Notification.objects.filter(pk=row.pk).update(
            status=Status.SENT, sent_at=timezone.now(), last_error=""
        )
    return Status.SENT


def _failed(row: Notification, exc: Exception) -> str:
    """Inside the claim's transaction: store the error, then retry later or give up."""
    from apps.notifications.tasks import send_notification

    error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
    failed = row.attempts >= max_attempts()
    Notification.objects.filter(pk=row.pk).update(
        status=Status.FAILED if failed else Status.PENDING, last_error=error
    )
    if not failed:
        retry_at = timezone.now() + backoff(row.attempts)
        send_notification.using(run_after=retry_at).enqueue(row.pk)
    log = logger.error if failed else logger.warning
    log("notification %s (%s) failed, attempt %s: %s", row.pk, row.kind, row.attempts, error)
    return Status.FAILED if failed else Status.PENDING


def notification_resend(notification_ids: Iterable[int]) -> int:
    """Give failed notifications a fresh set of attempts; returns how many were queued."""
    from apps.notifications.tasks import send_notification

    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids), status=Status.FAILED)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(status=Status.PENDING, attempts=0)
        for pk in ids:
            send_notification.enqueue(pk)
    return len(ids)
