"""What the orders service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service, read_only
from contracts.orders.dto import OrderDTO

SERVICE = "orders"
VERSION = "1.0"


class OrdersService(Service, Protocol):
    """Orders and their life cycle. Other services learn about orders from its events."""

    @read_only
    def get_order(self, number: str) -> OrderDTO:
        """The order `number` with its line snapshots. Raises OrderNotFound. Read-only."""
        ...


def orders_service() -> OrdersService:
    """The bound orders service (local facade, HTTP client or a test's fake)."""
    return cast(OrdersService, registry.resolve(SERVICE))
