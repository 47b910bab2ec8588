"""What the cart service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.cart.dto import CartDTO
from contracts.kernel.registry import registry
from contracts.kernel.service import Service, idempotent, read_only

SERVICE = "cart"
VERSION = "1.0"


class CartService(Service, Protocol):
    """Shopping carts. Every read re-prices and re-checks the lines against the catalog."""

    @read_only
    def get_cart(self, cart_id: str) -> CartDTO:
        """The cart `cart_id`, priced now. Raises CartNotFound. Read-only."""
        ...

    @read_only
    def get_customer_cart(self, customer_id: int) -> CartDTO:
        """The signed-in customer's cart, priced now (an empty cart if they have none yet).
        Read-only: an empty cart is not stored until something is added; until then its `id`
        is "" (which `clear_cart` accepts as a no-op)."""
        ...

    @idempotent
    def clear_cart(self, cart_id: str, reason: str) -> None:
        """Empty the cart (e.g. ``order MS-…`` once the order is placed). Idempotent: clearing an
        empty or unknown cart changes nothing and raises nothing."""
        ...


def cart_service() -> CartService:
    """The bound cart service (local facade, HTTP client or a test's fake)."""
    return cast(CartService, registry.resolve(SERVICE))
