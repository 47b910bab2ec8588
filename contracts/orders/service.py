"""What the orders service promises its callers."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service, read_only
from contracts.orders.dto import OrderDTO, OrderFigures

SERVICE = "orders"
VERSION = "1.1"  # 1.1: figures


class OrdersService(Service, Protocol):
    """Orders and their life cycle. Other services learn about orders from its events."""

    @read_only
    def get_order(self, number: str) -> OrderDTO:
        """The order `number` with its line snapshots. Raises OrderNotFound. Read-only."""
        ...

    @read_only
    def figures(self, since: datetime, per_minute_since: datetime | None = None) -> OrderFigures:
        """Orders at a glance, for the ops dashboard and `/metrics`: how many are in each status
        now; of those placed since `since` (the dashboard asks from midnight), how many, how many
        are paid (REVENUE_STATUSES) and their revenue per currency; and, when `per_minute_since`
        is given, how many were placed in each minute since then. A few aggregate queries
        whatever the number of orders. Raises InvalidRequest when `per_minute_since` lies more
        than PER_MINUTE_MAX_SECONDS in the past. Read-only."""
        ...


def orders_service() -> OrdersService:
    """The bound orders service (local facade, HTTP client or a test's fake)."""
    return cast(OrdersService, registry.resolve(SERVICE))
