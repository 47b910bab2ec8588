"""What the notifications service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service

SERVICE = "notifications"
VERSION = "1.0"


class NotificationsService(Service, Protocol):
    """The notifications service; its methods arrive with the notifications issue."""


def notifications_service() -> NotificationsService:
    """The bound notifications service (local facade, HTTP client or a test's fake)."""
    return cast(NotificationsService, registry.resolve(SERVICE))
