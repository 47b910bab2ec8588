"""What the notifications service hands out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class FailedNotificationDTO:
    """An email that could not be sent after every attempt."""

    id: int
    kind: str  # "order_placed", "order_paid", …
    subject: str
    recipient: str
    order_number: str
    attempts: int
    last_error: str
    created_at: datetime


@dataclass(frozen=True)
class AccountEmailDTO:
    """An email the sign-in pages owe someone (verification link, password reset…), rendered.
    `key` is its idempotency key: queueing the same key twice queues one email."""

    key: UUID
    recipient: str
    subject: str
    text: str
    html: str
