"""What the cart hands out: a cart priced and checked against the catalog when asked."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from contracts.kernel.money import Money


class LineFlag(enum.Enum):
    """Why a line needs the shopper's attention. BLOCKING flags stop the checkout."""

    INACTIVE = "inactive"  # no longer sold: remove it to check out
    SOLD_OUT = "sold_out"  # none left: remove it to check out
    CAPPED = "capped"  # fewer left than asked: the quantity was lowered to what is left
    PRICE_CHANGED = "price_changed"  # the price moved since the line was added


BLOCKING = frozenset({LineFlag.INACTIVE, LineFlag.SOLD_OUT})


@dataclass(frozen=True)
class CartLineDTO:
    product_id: int
    sku: str
    name: str
    slug: str
    image_url: str | None
    unit_price: Money  # the catalog's price now
    added_price: Money  # the price when the shopper added it
    quantity: int
    available: int
    line_total: Money
    flags: tuple[LineFlag, ...]


@dataclass(frozen=True)
class CartDTO:
    """A cart. `checkout_ready` is False when it is empty or a line has a blocking flag."""

    id: str
    customer_id: int | None
    currency: str
    lines: tuple[CartLineDTO, ...]
    item_count: int
    subtotal: Money
    checkout_ready: bool


@dataclass(frozen=True)
class CartMerge:
    """What merging an anonymous cart into a customer's did (`CartService.merge_cart`), counted
    in lines (products): `added` moved over (`capped` of them at what is left), `dropped` left
    behind because they are no longer sold or sold out."""

    added: int = 0
    capped: int = 0
    dropped: int = 0

    @property
    def changed(self) -> bool:
        """Did the merge do anything the shopper should hear about?"""
        return bool(self.added or self.dropped)
