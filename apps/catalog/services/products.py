"""Writing products and their stock: used by the admin, the API, the CSV import and the seed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify

from apps.catalog.models import Category, Product, Stock
from contracts.kernel.errors import Conflict, InvalidRequest

EDITABLE = (
    "sku", "name", "slug", "description", "category", "price", "currency", "is_active",
    "is_featured", "image", "image_alt",
)  # fmt: skip


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """A slug from `name` that no other product uses (``mug``, ``mug-2``, …)."""
    base = slugify(name)[:200] or "product"
    others = Product.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def product_create(
    *,
    sku: str,
    name: str,
    price: Decimal,
    on_hand: int = 0,
    slug: str = "",
    category: Category | None = None,
    **fields: Any,
) -> Product:
    """A new product with its stock row, in one transaction."""
    if on_hand < 0:
        raise InvalidRequest("on hand cannot be negative")
    with transaction.atomic():
        product = Product(
            sku=sku, name=name, price=price, category=category,
            slug=slug or unique_slug(name), **_only_editable(fields),
        )  # fmt: skip
        product.full_clean()
        product.save()
        Stock.objects.create(product=product, on_hand=on_hand)
    return product


def product_update(*, product: Product, on_hand: int | None = None, **fields: Any) -> Product:
    """Change a product's fields and, optionally, the stock on hand (never below reserved)."""
    with transaction.atomic():
        for name, value in _only_editable(fields).items():
            setattr(product, name, value)
        if not product.slug:
            product.slug = unique_slug(product.name, exclude_pk=product.pk)
        product.full_clean()
        product.save()
        if on_hand is not None:
            stock_set_on_hand(product_id=product.pk, on_hand=on_hand)
    return product


def stock_set_on_hand(*, product_id: int, on_hand: int) -> Stock:
    """Count the shelf again. Refused when it would leave less than what checkouts hold."""
    if on_hand < 0:
        raise InvalidRequest("on hand cannot be negative")
    with transaction.atomic():
        stock, _ = Stock.objects.select_for_update().get_or_create(product_id=product_id)
        if on_hand < stock.reserved:
            raise InvalidRequest(
                f"{stock.reserved} are held by checkouts: on hand cannot go below that",
                details={"reserved": stock.reserved},
            )
        stock.on_hand = on_hand
        stock.save(update_fields=["on_hand", "updated_at"])
    return stock


def products_set_active(*, ids: list[int], active: bool) -> int:
    """Put products on sale or take them off; returns how many changed."""
    return Product.objects.filter(pk__in=ids).exclude(is_active=active).update(is_active=active)


def product_delete(*, product: Product) -> None:
    """Delete a product that no reservation ever held; otherwise take it off sale instead."""
    try:
        with transaction.atomic():
            product.delete()
    except ProtectedError:
        raise Conflict(
            "this product is part of past checkouts: take it off sale instead of deleting it",
            details={"sku": product.sku},
        ) from None


def _only_editable(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise TypeError(f"not editable here: {unknown}")
    return fields
