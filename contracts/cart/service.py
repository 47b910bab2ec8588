"""What the cart service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.cart.dto import CartDTO, CartMerge
from contracts.kernel.registry import registry
from contracts.kernel.service import Service, idempotent, read_only

SERVICE = "cart"
VERSION = "1.1"  # 1.1: item_count and merge_cart


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

    @read_only
    def item_count(self, customer_id: int | None = None, cart_id: str = "") -> int:
        """How many items a cart holds as stored, its lines' quantities added up, without
        pricing it: the signed-in customer's cart when `customer_id` is given (`cart_id` is then
        ignored), else the anonymous cart `cart_id` (never a customer's cart by its id). 0 when
        there is no such cart, the id malformed included. The header asks on every page: one
        small query, no call to the catalog. (The priced cart's `item_count` may be lower, when
        stock ran short or a line can no longer be bought.) Read-only."""
        ...

    @idempotent
    def merge_cart(self, cart_id: str, customer_id: int) -> CartMerge:
        """Move the anonymous cart `cart_id` into the customer's cart (made if need be) once
        they have signed in: quantities add up, capped at what is available; lines no longer
        for sale are left behind; the anonymous cart is deleted. A customer's cart is never
        merged, and an unknown or malformed id merges nothing. Idempotent in effect: a repeat,
        or a request racing this one, finds nothing left to merge and answers an empty
        CartMerge (nothing added twice). Raises Unavailable when the catalog cannot price the
        lines (nothing is merged then; asking again later merges)."""
        ...


def cart_service() -> CartService:
    """The bound cart service (local facade, HTTP client or a test's fake)."""
    return cast(CartService, registry.resolve(SERVICE))
