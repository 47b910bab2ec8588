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
