"""The in-process implementation of `contracts.catalog`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from apps.catalog import selectors
from apps.catalog.models import Product, Reservation
from apps.catalog.services import stock
from contracts.catalog.dto import (
    CatalogFigures,
    ProductDTO,
    ReservationDTO,
    ReservationStatus,
    StockLine,
)
from contracts.catalog.errors import ProductNotFound
from contracts.catalog.service import SERVICE, VERSION
from contracts.kernel.money import Money
from contracts.kernel.service import ServiceHealth, probe


def product_dto(product: Product) -> ProductDTO:
    """A product row (annotated with `available`) as the contract's DTO."""
    return ProductDTO(
        id=product.pk,
        sku=product.sku,
        name=product.name,
        slug=product.slug,
        price=Money(product.price, product.currency),
        is_active=product.is_active,
        available=max(int(getattr(product, "available", 0)), 0),
        image_url=product.image.url if product.image else None,
        category_slug=product.category.slug if product.category is not None else None,
    )


def reservation_dto(
    reservation: Reservation, held: Iterable[tuple[int, int]] | None = None
) -> ReservationDTO:
    """The reservation with its lines: `held` when the caller knows them (in product id order),
    else read from the database."""
    if held is None:
        held = reservation.lines.order_by("product_id").values_list("product_id", "quantity")
    return ReservationDTO(
        reference=reservation.reference,
        status=ReservationStatus(reservation.status),
        expires_at=reservation.expires_at,
        lines=tuple(StockLine(product_id=pid, quantity=qty) for pid, qty in held),
    )


class CatalogFacade:
    """Implements `CatalogService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, Product.objects.exists)

    def get_products(self, ids: tuple[int, ...]) -> tuple[ProductDTO, ...]:
        return tuple(product_dto(p) for p in selectors.products_by_ids(ids))

    def get_products_by_sku(self, skus: tuple[str, ...]) -> tuple[ProductDTO, ...]:
        return tuple(product_dto(p) for p in selectors.products_by_skus(skus))

    def get_product_by_slug(self, slug: str) -> ProductDTO:
        found = selectors.with_availability(Product.objects.filter(slug=slug)).first()
        if found is None:
            raise ProductNotFound(f"no product {slug!r}", details={"slug": slug})
        return product_dto(found)

    def reserve_stock(
        self, lines: tuple[StockLine, ...], reference: str, ttl_seconds: int
    ) -> ReservationDTO:
        wanted = stock.merge_lines((line.product_id, line.quantity) for line in lines)
        # Capped before timedelta, which overflows past ~2.7 million years: what lies outside
        # (0, MAX_TTL] stays outside, for stock_reserve to refuse with its InvalidRequest.
        limit = int(stock.MAX_TTL.total_seconds()) + 1
        ttl = timedelta(seconds=max(-1, min(ttl_seconds, limit)))
        reservation = stock.stock_reserve(lines=wanted.items(), reference=reference, ttl=ttl)
        # A reservation comes back only if it holds exactly `wanted` (a replay of the reference
        # for other lines raises ReservationMismatch): no need to read its lines back.
        return reservation_dto(reservation, wanted.items())

    def commit_reservation(self, reference: str) -> ReservationDTO:
        return reservation_dto(stock.stock_commit(reference=reference))

    def release_reservation(self, reference: str) -> ReservationDTO:
        return reservation_dto(stock.stock_release(reference=reference))

    def restock_reservation(self, reference: str) -> ReservationDTO:
        return reservation_dto(stock.stock_restock(reference=reference))

    def figures(self, since: datetime) -> CatalogFigures:
        return selectors.catalog_figures(since=since)
