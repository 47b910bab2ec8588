"""What a cart change did, and how to say it to the shopper."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from apps.cart.models import MAX_QUANTITY
from contracts.cart.dto import CartMerge
from contracts.catalog.dto import ProductDTO


@dataclass(frozen=True)
class LineChange:
    """What a change did to one line: the quantity asked for and the quantity it now holds."""

    cart_id: UUID
    product_id: int
    name: str
    wanted: int  # what the line should have held: current + added, or the quantity set
    quantity: int  # what it holds now; 0 when removed
    available: int
    previous: int = 0  # what it held before
    created: bool = False
    # The product as the catalog had it for this change: pricing the cart just after reuses it.
    product: ProductDTO | None = field(default=None, compare=False, repr=False)

    @property
    def capped(self) -> bool:
        return self.quantity < self.wanted

    def message(self) -> str:
        if self.capped:
            limit = f"Only {self.available} left" if self.available < MAX_QUANTITY else (
                f"At most {MAX_QUANTITY} per line"
            )  # fmt: skip
            return f"{limit} of {self.name}: your cart holds {self.quantity}."
        if self.quantity == 0:
            return f"Removed {self.name} from your cart."
        if self.created:
            return f"Added {self.quantity} × {self.name} to your cart."
        return f"{self.name}: your cart now holds {self.quantity}."


def merge_message(merge: CartMerge) -> str:
    """What the shopper reads after signing in, when `merge.changed`."""

    def were(n: int) -> str:
        return "was" if n == 1 else "were"

    def are(n: int) -> str:
        return "is" if n == 1 else "are"

    if not merge.added:
        items = _items(merge.dropped)
        return f"{items} from your earlier visit {are(merge.dropped)} no longer available."
    added = f"{_items(merge.added)} from your earlier visit {were(merge.added)} added to your cart"
    parts = [added]
    if merge.capped:
        parts.append(f"{merge.capped} {were(merge.capped)} capped at what is left")
    if merge.dropped:
        parts.append(f"{merge.dropped} {are(merge.dropped)} no longer available")
    return "; ".join(parts) + "."


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"
