"""What the orders service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service

SERVICE = "orders"
VERSION = "1.0"


class OrdersService(Service, Protocol):
    """The orders service; its methods arrive with the orders issue."""


def orders_service() -> OrdersService:
    """The bound orders service (local facade, HTTP client or a test's fake)."""
    return cast(OrdersService, registry.resolve(SERVICE))
