"""What the notifications service hands out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
