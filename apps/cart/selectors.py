"""Cart reads: whose cart a request means, the header count, and the cart priced from the catalog.

Pricing reads the lines, then asks `catalog_service().get_products(ids)` once for all of them, so
a cart costs the same few queries whatever its size. A read never writes: a capped quantity is
shown capped but stays stored, so the line comes back whole if the stock does.

A product that no longer exists in the catalog at all is kept as a line flagged INACTIVE (a
blocking flag): the shopper sees that something they chose is gone and removes it, instead of
finding it silently missing. It is priced at what it cost when added and adds nothing to the
subtotal, like every blocked line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet, Sum

from apps.cart.models import Cart, CartLine
from contracts.cart.dto import BLOCKING, CartDTO, CartLineDTO, LineFlag
from contracts.catalog.dto import ProductDTO
from contracts.catalog.service import catalog_service
from contracts.kernel.money import Money

GONE_NAME = "An item that is no longer sold"


@dataclass(frozen=True)
class Owner:
    """Whose cart: a signed-in customer's, or the anonymous cart that the session names."""

    customer_id: int | None = None
    cart_id: UUID | None = None


def cart_for(owner: Owner) -> Cart | None:
    """The owner's stored cart, or None (one query; none for an anonymous owner without one)."""
    # Both lookups are unique: .order_by() spares the default ordering's cost.
    if owner.customer_id is not None:
        return Cart.objects.filter(customer_id=owner.customer_id).order_by().first()
    if owner.cart_id is not None:
        return Cart.objects.filter(pk=owner.cart_id, customer_id__isnull=True).order_by().first()
    return None


def parse_cart_id(cart_id: object) -> UUID | None:
    """A cart id given as text, or None when it is not a UUID at all."""
    try:
        return UUID(str(cart_id))
    except ValueError:
        return None


def cart_by_id(cart_id: str) -> Cart | None:
    """The cart with this id (a UUID as text), or None for an unknown or malformed id."""
    pk = parse_cart_id(cart_id)
    return Cart.objects.filter(pk=pk).first() if pk is not None else None


def item_count(owner: Owner) -> int:
    """How many items the owner's cart holds, as stored: one cheap query, none for an anonymous
    owner without a cart. (The priced cart may show fewer when stock ran short.)"""
    lines = owner_lines(owner)
    if lines is None:
        return 0
    return int(lines.aggregate(total=Sum("quantity"))["total"] or 0)


def products_by_id(ids: Iterable[int]) -> dict[int, ProductDTO]:
    """The catalog's products with these ids, by id (one call; unknown ids are left out)."""
    wanted = tuple(dict.fromkeys(ids))
    if not wanted:
        return {}
    return {product.id: product for product in catalog_service().get_products(wanted)}


def owner_lines(owner: Owner) -> QuerySet[CartLine] | None:
    """The lines of the owner's cart (a query, not run yet); None for an anonymous owner without
    a cart, who has no line to read."""
    if owner.customer_id is not None:
        return CartLine.objects.filter(cart__customer_id=owner.customer_id)
    if owner.cart_id is not None:
        return CartLine.objects.filter(cart_id=owner.cart_id, cart__customer_id__isnull=True)
    return None


def owner_cart_dto(owner: Owner, *, known: Iterable[ProductDTO] = ()) -> CartDTO:
    """The owner's cart priced now, like `cart_dto(cart_for(owner))` for a query less: the lines
    come with their cart (the cart alone is read only when it holds no line). Products in
    `known` (just read from the catalog by the caller) are not asked for again."""
    lines_of_owner = owner_lines(owner)
    lines = [] if lines_of_owner is None else list(lines_of_owner.select_related("cart"))
    cart = lines[0].cart if lines else cart_for(owner)
    return cart_dto(cart, customer_id=owner.customer_id, lines=lines, known=known)


def cart_dto(
    cart: Cart | None,
    *,
    customer_id: int | None = None,
    lines: list[CartLine] | None = None,
    known: Iterable[ProductDTO] = (),
) -> CartDTO:
    """The cart priced now; an empty cart (id "") when nothing is stored yet. `lines` are the
    cart's lines when the caller has read them; products in `known` are not asked for again."""
    if cart is None:
        return empty_cart(customer_id)
    lines = list(cart.lines.all()) if lines is None else lines
    products = {product.id: product for product in known}
    products.update(
        products_by_id(line.product_id for line in lines if line.product_id not in products)
    )
    priced = [line_dto(line, products.get(line.product_id)) for line in lines]
    return summarize(str(cart.pk), cart.customer_id, priced)


def empty_cart(customer_id: int | None = None) -> CartDTO:
    currency = settings.CATALOG_CURRENCY
    return CartDTO(
        id="",
        customer_id=customer_id,
        currency=currency,
        lines=(),
        item_count=0,
        subtotal=Money.zero(currency),
        checkout_ready=False,
    )


def line_dto(line: CartLine, product: ProductDTO | None) -> CartLineDTO:
    """One line checked against the product as the catalog has it now."""
    added = Money(line.added_price, line.added_currency)
    if product is None:
        return CartLineDTO(
            product_id=line.product_id, sku="", name=GONE_NAME, slug="", image_url=None,
            unit_price=added, added_price=added, quantity=line.quantity, available=0,
            line_total=Money.zero(added.currency), flags=(LineFlag.INACTIVE,),
        )  # fmt: skip
    flags: list[LineFlag] = []
    quantity = line.quantity
    if not product.is_active:
        flags.append(LineFlag.INACTIVE)
    elif product.available <= 0:
        flags.append(LineFlag.SOLD_OUT)
    elif quantity > product.available:
        flags.append(LineFlag.CAPPED)
        quantity = product.available
    if product.price != added:
        flags.append(LineFlag.PRICE_CHANGED)
    blocked = not BLOCKING.isdisjoint(flags)
    return CartLineDTO(
        product_id=product.id,
        sku=product.sku,
        name=product.name,
        slug=product.slug,
        image_url=product.image_url,
        unit_price=product.price,
        added_price=added,
        quantity=quantity,
        available=product.available,
        line_total=Money.zero(product.price.currency) if blocked else product.price * quantity,
        flags=tuple(flags),
    )


def summarize(cart_id: str, customer_id: int | None, lines: list[CartLineDTO]) -> CartDTO:
    """Totals over the lines that can be bought. The cart's currency is its first line's; a
    line priced in another one cannot be added up with the rest, so it blocks like INACTIVE."""
    currency = lines[0].unit_price.currency if lines else settings.CATALOG_CURRENCY
    checked = tuple(
        _foreign(line) if line.unit_price.currency != currency else line for line in lines
    )
    buyable = [line for line in checked if BLOCKING.isdisjoint(line.flags)]
    subtotal = sum((line.line_total for line in buyable), Money.zero(currency))
    count = sum(line.quantity for line in buyable)
    return CartDTO(
        id=cart_id,
        customer_id=customer_id,
        currency=currency,
        lines=checked,
        item_count=count,
        subtotal=subtotal,
        checkout_ready=bool(checked) and len(buyable) == len(checked) and count > 0,
    )


def _foreign(line: CartLineDTO) -> CartLineDTO:
    if LineFlag.INACTIVE in line.flags:
        return line
    zero = Money.zero(line.unit_price.currency)
    return replace(line, flags=(LineFlag.INACTIVE, *line.flags), line_total=zero)
