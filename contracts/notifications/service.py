"""What the notifications service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service
from contracts.notifications.dto import FailedNotificationDTO

SERVICE = "notifications"
VERSION = "1.0"


class NotificationsService(Service, Protocol):
    """Emails owed to shoppers; they are caused by events, so callers only look and resend."""

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
