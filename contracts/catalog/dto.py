"""What the catalog hands out: products with their price and availability, reservations."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from contracts.kernel.money import Money


@dataclass(frozen=True)
class ProductDTO:
    """A product as callers see it. `available` is on hand minus reserved, never negative."""

    id: int
    sku: str
    name: str
    slug: str
    price: Money
    is_active: bool
    available: int
    image_url: str | None
    category_slug: str | None


@dataclass(frozen=True)
class StockLine:
    """A quantity of one product, as asked for in a reservation."""

    product_id: int
    quantity: int


class ReservationStatus(enum.Enum):
    ACTIVE = "active"
    COMMITTED = "committed"
    RELEASED = "released"


@dataclass(frozen=True)
class ReservationDTO:
    """Stock held for `reference` (e.g. an order) until `expires_at`, unless committed first."""

    reference: str
    status: ReservationStatus
    expires_at: datetime
    lines: tuple[StockLine, ...]


@dataclass(frozen=True)
class CatalogFigures:
    """Stock at a glance, for the shop's dashboard and gauges (`CatalogService.figures`)."""

    reservations_expired: int  # reservations released since the figures' `since` as expired
