"""Catalog reads: the product list with its filters and search, the category tree, products,
and the figures the ops pages count."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from apps.catalog.models import Category, Product, Reservation, Stock
from contracts.catalog.dto import CatalogFigures

LOW_STOCK = 5
SORTS: dict[str, tuple[str, ...]] = {
    "relevance": ("-rank", "name"),
    "featured": ("-is_featured", "name"),
    "price": ("price", "name"),
    "-price": ("-price", "name"),
    "name": ("name",),
    "newest": ("-created_at", "-id"),
}


@dataclass(frozen=True)
class ProductFilters:
    """What a shopper (or an API client) asked the product list for."""

    q: str = ""
    category_ids: tuple[int, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    sort: str = ""


def with_availability(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Join stock and category and annotate `available` (0 when there is no stock row)."""
    return (
        queryset.select_related("category", "stock")
        .defer("search_vector")
        .annotate(available=Coalesce(F("stock__on_hand") - F("stock__reserved"), 0))
    )


def active_products() -> QuerySet[Product]:
    return with_availability(Product.objects.filter(is_active=True))


# Columns a product card never shows.
CARD_DEFERRED = ("description", "category__description")


def category_tree() -> list[Category]:
    """Every category, parents first, each with `.depth` and `.descendant_ids` (one query)."""
    categories = list(Category.objects.order_by("position", "name"))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)

    ordered: list[Category] = []

    def walk(parent: int | None, depth: int) -> list[int]:
        ids: list[int] = []
        for category in children.get(parent, []):
            category.depth = depth  # type: ignore[attr-defined]
            ordered.append(category)
            below = walk(category.pk, depth + 1)
            category.descendant_ids = (category.pk, *below)  # type: ignore[attr-defined]
            ids += [category.pk, *below]
        return ids

    walk(None, 0)
    return ordered


def product_list(
    filters: ProductFilters, *, base: QuerySet[Product] | None = None
) -> QuerySet[Product]:
    """The products matching `filters`, sorted; relevance first when searching."""
    queryset = active_products() if base is None else with_availability(base)
    if filters.category_ids:
        queryset = queryset.filter(category_id__in=filters.category_ids)
    if filters.min_price is not None:
        queryset = queryset.filter(price__gte=filters.min_price)
    if filters.max_price is not None:
        queryset = queryset.filter(price__lte=filters.max_price)
    if filters.in_stock:
        queryset = queryset.filter(available__gt=0)  # type: ignore[misc]  # annotated above
    searching = bool(filters.q.strip())
    if searching:
        queryset = _search(queryset, filters.q)
    sort = filters.sort if filters.sort in SORTS else ""
    if not sort or (sort == "relevance" and not searching):
        sort = "relevance" if searching else "featured"
    if sort == "relevance" and connection.vendor != "postgresql":
        sort = "name"  # the SQLite fallback has no rank
    return queryset.order_by(*SORTS[sort])


def _search(queryset: QuerySet[Product], text: str) -> QuerySet[Product]:
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="english")
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    for word in text.split()[:8]:
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(sku__icontains=word) | Q(description__icontains=word)
        )
    return queryset


def product_for_page(slug: str) -> Product | None:
    """An active product with its category, stock and gallery, or None (a 404 for shoppers)."""
    return active_products().prefetch_related("images").filter(slug=slug).first()


def available(product_id: int) -> int:
    """What can be sold of one product right now (one small query)."""
    levels = Stock.objects.filter(pk=product_id).values_list("on_hand", "reserved").first()
    return max(levels[0] - levels[1], 0) if levels else 0


def featured_products(limit: int = 8) -> list[Product]:
    return list(active_products().filter(is_featured=True).order_by("-created_at")[:limit])


def products_by_ids(ids: Sequence[int]) -> list[Product]:
    """The products with these ids in the order asked (unknown ids left out), one query."""
    # Unordered: the order asked is restored here, and sorting by name costs compile time.
    found = {p.pk: p for p in with_availability(Product.objects.filter(pk__in=ids)).order_by()}
    return [found[i] for i in ids if i in found]


def products_by_skus(skus: Iterable[str]) -> list[Product]:
    wanted = list(skus)
    found = {p.sku: p for p in with_availability(Product.objects.filter(sku__in=wanted)).order_by()}
    return [found[s] for s in wanted if s in found]


def catalog_figures(*, since: datetime) -> CatalogFigures:
    """Stock at a glance (`CatalogService.figures`): one count of the holds that expired."""
    expired = Reservation.objects.filter(
        status=Reservation.Status.RELEASED,
        release_reason=Reservation.EXPIRED,
        updated_at__gte=since,
    )
    return CatalogFigures(reservations_expired=expired.count())
