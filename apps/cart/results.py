"""What a cart change did, and how to say it to the shopper."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from apps.cart.models import MAX_QUANTITY
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


@dataclass(frozen=True)
class MergeResult:
    """What merging an anonymous cart did, counted in lines (products)."""

    added: int = 0
    capped: int = 0
    dropped: int = 0  # no longer sold or sold out: left behind

    @property
    def changed(self) -> bool:
        return bool(self.added or self.dropped)

    def message(self) -> str:
        def were(n: int) -> str:
            return "was" if n == 1 else "were"

        def are(n: int) -> str:
            return "is" if n == 1 else "are"

        if not self.added:
            items = _items(self.dropped)
            return f"{items} from your earlier visit {are(self.dropped)} no longer available."
        parts = [
            f"{_items(self.added)} from your earlier visit {were(self.added)} added to your cart"
        ]
        if self.capped:
            parts.append(f"{self.capped} {were(self.capped)} capped at what is left")
        if self.dropped:
            parts.append(f"{self.dropped} {are(self.dropped)} no longer available")
        return "; ".join(parts) + "."


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"
