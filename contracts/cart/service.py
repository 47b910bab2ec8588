"""What the cart service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service

SERVICE = "cart"
VERSION = "1.0"


class CartService(Service, Protocol):
    """The cart service; its methods arrive with the cart issue."""


def cart_service() -> CartService:
    """The bound cart service (local facade, HTTP client or a test's fake)."""
    return cast(CartService, registry.resolve(SERVICE))
