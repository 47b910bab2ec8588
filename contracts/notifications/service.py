"""What the notifications service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service, idempotent, read_only
from contracts.notifications.dto import AccountEmailDTO, FailedNotificationDTO

SERVICE = "notifications"
VERSION = "1.0"


class NotificationsService(Service, Protocol):
    """Emails owed to shoppers. Order emails are caused by events; the sign-in pages queue
    theirs; every email is sent by the worker with the outbox's retries."""

    @idempotent
    def queue_account_email(self, email: AccountEmailDTO) -> bool:
        """Queue `email` for the worker to send (never sent in the caller's request, so a mail
        outage cannot break sign-up); returns whether it was new (so a repeat after a lost answer
        says False for an email the first call queued). Idempotent per `email.key`.
        Raises InvalidRequest when the recipient or subject is empty. Its own transaction."""
        ...

    @read_only
    def recent_failures(self, limit: int = 10) -> tuple[FailedNotificationDTO, ...]:
        """The newest emails that failed for good, newest first (at most `limit`, 1–100)."""
        ...

    def resend(self, notification_ids: tuple[int, ...]) -> int:
        """Queue the failed ones among `notification_ids` again; returns how many. Others are
        left alone (an email already sent is never sent twice)."""
        ...


def notifications_service() -> NotificationsService:
    """The bound notifications service (local facade, HTTP client or a test's fake)."""
    return cast(NotificationsService, registry.resolve(SERVICE))
