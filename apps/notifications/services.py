"""Writes of the notifications app: record an email owed, send it, send a failed one again.

Sending is an outbox delivery (`EmailQueued` → `notifications.send_email`): the outbox retries
with its backoff and `OUTBOX_*` settings, parks the delivery as dead and replays it; this module
only sends once per try and records the outcome. A try claims the row with a lease in one short
statement, talks to the mail server outside any transaction (no lock is held while the network
is slow), and records the outcome in another short statement. A worker that dies mid-send
leaves the row `sending` until its lease runs out; the outbox's sweep then runs the delivery
again, so the email is sent at least once (twice only if the server had accepted it just
before the worker died; both copies carry the same Message-ID).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.notifications import emails
from apps.notifications.models import Notification
from contracts.kernel import codec
from contracts.kernel.events import Event, publish
from contracts.notifications.events import EmailQueued
from contracts.orders.dto import OrderDTO

logger = logging.getLogger(__name__)
Status = Notification.Status


class NotificationBusy(Exception):  # noqa: N818  # a state, not a fault
    """Another worker holds this email's lease: the outbox tries again later."""


def _queue(row: Notification) -> None:
    """Hand `row` to the outbox; part of the caller's transaction."""
    publish(EmailQueued(notification_id=row.pk))


def notification_record(*, event: Event, kind: str, order: OrderDTO) -> bool:
    """Record the email `kind` caused by `event` and queue its sending, once per (event, kind).

    Idempotent: a second delivery of the same event finds the row and queues nothing.
    The row and its outbox event are written in one transaction. Returns whether it was created.
    """
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
            _queue(row)
    return created


def notification_queue_account_email(
    *, key: UUID, recipient: str, subject: str, text: str, html: str
) -> bool:
    """Queue an account email (verification, password reset…) rendered by the caller, once
    per `key`; returns whether it was new. Sent by the worker like every other email."""
    with transaction.atomic():
        row, created = Notification.objects.get_or_create(
            event_id=key,
            kind=Notification.Kind.ACCOUNT,
            defaults={
                "recipient": recipient,
                "event_type": "",
                "payload": {},
                "subject": subject[:255],
                "body_text": text,
                "body_html": html,
            },
        )
        if created:
            _queue(row)
    return created


def lease() -> timedelta:
    """An email send is an outbox delivery: it is held as long as a delivery is."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def _claim(notification_id: int) -> Notification | None:
    """Take the email for this try with one conditional update (committed at once)."""
    now = timezone.now()
    free = Q(status__in=(Status.PENDING, Status.FAILED)) | Q(
        status=Status.SENDING, lease_until__lt=now
    )
    claimed = Notification.objects.filter(free, pk=notification_id).update(
        status=Status.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1
    )
    return Notification.objects.get(pk=notification_id) if claimed else None


def notification_send(notification_id: int) -> str:
    """One try at sending; ``sent``, or ``skipped`` when it was sent already (or is gone).

    Raises what the mail server raised (the outbox retries it), or `NotificationBusy` when
    another worker holds the lease. Never runs inside a transaction.
    """
    row = _claim(notification_id)
    if row is None:
        status = Notification.objects.filter(pk=notification_id).values_list("status", flat=True)
        if next(iter(status), Status.SENT) == Status.SENT:
            return "skipped"
        raise NotificationBusy(f"notification {notification_id} is being sent by another worker")
    try:
        mailers.default.send_messages([emails.build_message(row)])
    except Exception as exc:  # rendering or transport: the outbox retries the delivery
        error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
        Notification.objects.filter(pk=row.pk, status=Status.SENDING).update(
            status=Status.PENDING, lease_until=None, last_error=error
        )
        logger.warning(
            "notification %s (%s), attempt %s: %s", row.pk, row.kind, row.attempts, error
        )
        raise
    Notification.objects.filter(pk=row.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    )
    return Status.SENT


def notification_give_up(notification_id: int, error: str) -> None:
    """The outbox parked the email's delivery: the email failed for good (staff may resend)."""
    stopped = Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_until__lt=timezone.now())
    Notification.objects.filter(stopped, pk=notification_id).update(
        status=Status.FAILED, lease_until=None, last_error=error
    )
    logger.error("notification %s failed for good: %s", notification_id, error)


def notification_resend(notification_ids: Iterable[int]) -> int:
    """Give failed notifications a fresh series of tries; returns how many were queued."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids), status=Status.FAILED)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(status=Status.PENDING, attempts=0)
        for row in Notification.objects.filter(pk__in=ids):
            _queue(row)
    return len(ids)
