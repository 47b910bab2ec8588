"""What the catalog service promises its callers."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast

from contracts.catalog.dto import CatalogFigures, ProductDTO, ReservationDTO, StockLine
from contracts.kernel.registry import registry
from contracts.kernel.service import Service, idempotent, read_only

SERVICE = "catalog"
VERSION = "1.1"  # 1.1: figures


class CatalogService(Service, Protocol):
    """Products, prices and stock. Reads are batched; stock writes are idempotent per reference."""

    @read_only
    def get_products(self, ids: tuple[int, ...]) -> tuple[ProductDTO, ...]:
        """The products with these ids, in the order asked, inactive ones included (flagged);
        unknown ids are left out. One round trip whatever the number of ids. Read-only."""
        ...

    @read_only
    def get_products_by_sku(self, skus: tuple[str, ...]) -> tuple[ProductDTO, ...]:
        """Like `get_products`, by SKU."""
        ...

    @read_only
    def get_product_by_slug(self, slug: str) -> ProductDTO:
        """The product with this slug. Raises ProductNotFound. Read-only."""
        ...

    @idempotent
    def reserve_stock(
        self, lines: tuple[StockLine, ...], reference: str, ttl_seconds: int
    ) -> ReservationDTO:
        """Hold stock for every line, or for none: atomic and conditional, never below zero.

        Lines of the same product are added up. Idempotent on `reference`: asking again with the
        same lines returns the existing reservation (whatever its status); other lines raise
        ReservationMismatch. Raises ProductNotFound, InactiveProduct, OutOfStock (naming each
        short SKU and what is left), InvalidRequest for a quantity below 1 or a bad ttl.
        The hold expires after `ttl_seconds` unless committed; expiry releases it."""
        ...

    @idempotent
    def commit_reservation(self, reference: str) -> ReservationDTO:
        """Turn held stock into sold stock (on hand and reserved both go down).

        Idempotent: committing a committed reservation changes nothing. Raises
        ReservationNotFound, and ReservationReleased when it was released or expired."""
        ...

    @idempotent
    def release_reservation(self, reference: str) -> ReservationDTO:
        """Give held stock back. Idempotent: releasing a released reservation changes nothing.
        Raises ReservationNotFound, and Conflict when the reservation was already committed."""
        ...

    @idempotent
    def restock_reservation(self, reference: str) -> ReservationDTO:
        """Put sold stock back on the shelf (an order cancelled before it shipped): on hand goes
        up by the committed quantities. Idempotent: a second call changes nothing. Raises
        ReservationNotFound, and Conflict when the reservation was never committed."""
        ...

    @read_only
    def figures(self, since: datetime) -> CatalogFigures:
        """Stock at a glance, for the ops dashboard and `/metrics`: how many reservations were
        released since `since` because they expired (the dashboard asks from midnight). One
        aggregate query. Read-only."""
        ...


def catalog_service() -> CatalogService:
    """The bound catalog service (local facade, HTTP client or a test's fake)."""
    return cast(CatalogService, registry.resolve(SERVICE))
