"""Events the catalog publishes."""

from __future__ import annotations

from contracts.kernel.events import Event


class ReservationExpired(Event):
    """A reservation was not committed in time; its stock is available again."""

    reference: str
