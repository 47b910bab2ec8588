"""Events of the notifications service.

`EmailQueued` is how notifications hands an email to the outbox, the one retry mechanism: its
own subscriber sends it, so every email is retried, backed off, parked as dead and replayed
exactly like any event delivery, with the `OUTBOX_*` settings.
"""

from __future__ import annotations

from contracts.kernel.events import Event


class EmailQueued(Event):
    """Notification `notification_id` is owed to its recipient and waits to be sent."""

    notification_id: int
