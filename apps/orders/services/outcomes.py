"""What a checkout did, as the saga says it: views and the API render this, they never infer
it from an order's status."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from apps.orders.models import Order
from contracts.cart.dto import BLOCKING, CartDTO, LineFlag
from contracts.catalog.errors import OutOfStock
from contracts.kernel.errors import Unavailable
from contracts.orders.dto import OrderStatus


class Outcome(enum.Enum):
    PLACED = "placed"  # the order waits for its payment: the shopper goes to pay
    PAYMENT_NOT_STARTED = "payment_not_started"  # the order was cancelled, nothing charged
    SOLD_OUT = "sold_out"  # nothing was placed: `sold_out` names what is short
    # A service did not answer (down, too slow, garbled): nothing was charged, and the same
    # request (same idempotency key) may be sent again. The order, if one was written, waits
    # for that replay with its stock held until the hold expires.
    UNAVAILABLE = "unavailable"


NOT_TAKEN_NOW = (
    "We could not take your order just now, and nothing was charged. Please try again in a moment."
)


@dataclass(frozen=True)
class SoldOutItem:
    """A line the stock cannot cover: the shape of `out_of_stock`'s details["items"]."""

    sku: str
    name: str
    requested: int
    available: int

    def describe(self) -> str:
        left = f"only {self.available} left" if self.available > 0 else "none left"
        return f"{self.name} ({self.sku}, {left})"


@dataclass(frozen=True)
class CheckoutResult:
    """What one checkout request did. `replayed`: the order was placed by an earlier request
    with the same idempotency key (this one answered for it, finishing what it left undone)."""

    outcome: Outcome
    order: Order | None = None
    replayed: bool = False
    sold_out: tuple[SoldOutItem, ...] = ()

    def placed_order(self) -> Order:
        """The order, or OutOfStock (the API's 409, naming each item) when none was placed,
        or Unavailable (the API's 503) when the shop could not take it now."""
        if self.outcome is Outcome.UNAVAILABLE:
            raise Unavailable(NOT_TAKEN_NOW, details={"retry": "with the same idempotency key"})
        if self.order is not None:
            return self.order
        items = ", ".join(item.describe() for item in self.sold_out)
        raise OutOfStock(
            f"not enough stock: {items}",
            details={"items": [item.__dict__ for item in self.sold_out]},
        )

    @property
    def pay_url(self) -> str:
        """Where the shopper pays, while the order still waits for it ("" otherwise)."""
        order = self.order
        if self.outcome is Outcome.PLACED and order is not None:
            return order.pay_url if order.state is OrderStatus.PENDING_PAYMENT else ""
        return ""


def sold_out_in_cart(cart: CartDTO) -> tuple[SoldOutItem, ...]:
    """The cart's lines flagged sold out (they sold out while in the cart), when that is all
    that blocks it; () when nothing is, or when a line is blocked for another reason."""
    blocked = [line for line in cart.lines if not BLOCKING.isdisjoint(line.flags)]
    if not blocked or any(LineFlag.SOLD_OUT not in line.flags for line in blocked):
        return ()
    return tuple(
        SoldOutItem(line.sku, line.name, line.quantity, max(line.available, 0)) for line in blocked
    )


def sold_out_named(exc: OutOfStock, names: Mapping[str, str]) -> tuple[SoldOutItem, ...]:
    """The catalog's `out_of_stock` items, named (`names`: SKU → name, e.g. the cart's)."""
    items: Iterable[Mapping[str, object]] = exc.details.get("items", ())
    return tuple(
        SoldOutItem(
            sku=str(item["sku"]),
            name=names.get(str(item["sku"]), str(item["sku"])),
            requested=int(str(item["requested"])),
            available=int(str(item["available"])),
        )
        for item in items
    )
