"""Cart writes: add, set a quantity, remove, empty, and merge an anonymous cart on sign-in.

Every change that puts something in a cart first reads the product from `catalog_service()`
(one batched call, never inside our own transaction: the catalog may be across a network), so
prices and availability are the catalog's of the moment. A line never holds more than what is
available (nor more than 99): asking for more caps it, and the returned change says so.

Concurrency: a line is read, then changed with a conditional UPDATE (`WHERE quantity = <what was
read>`); a new line is inserted on its own (in a savepoint inside a transaction), and the unique
(cart, product) constraint turns a racing insert into a retry. A request that lost a race
retries holding the line's row lock, so racing clicks never lose each other's quantities and
never fail for it (tested with 20 threads on PostgreSQL).
"""

from __future__ import annotations

import logging
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from apps.cart.models import MAX_QUANTITY, Cart, CartLine
from apps.cart.results import LineChange
from apps.cart.selectors import Owner, cart_for, products_by_id
from contracts.cart.dto import CartMerge
from contracts.cart.errors import CartLineNotFound, ProductUnavailable, QuantityOutOfRange
from contracts.catalog.dto import ProductDTO
from contracts.catalog.errors import ProductNotFound
from contracts.kernel.errors import Conflict

logger = logging.getLogger(__name__)
ATTEMPTS = 5
MAX_ID = 2**63 - 1  # ids are 64-bit: a bigger number names nothing (and overflows SQLite)


def _check_quantity(quantity: int, *, minimum: int) -> None:
    if not minimum <= quantity <= MAX_QUANTITY:
        raise QuantityOutOfRange(
            f"Choose a quantity from {minimum} to {MAX_QUANTITY}.",
            details={"quantity": quantity, "minimum": minimum, "maximum": MAX_QUANTITY},
        )


def _for_sale(product_id: int) -> ProductDTO:
    """The product, if it may go in a cart now; otherwise a clear error."""
    product = products_by_id((product_id,)).get(product_id) if 0 < product_id <= MAX_ID else None
    if product is None:
        raise ProductNotFound(f"There is no product {product_id}.", details={"ids": [product_id]})
    if not product.is_active:
        raise ProductUnavailable(
            f"{product.name} is no longer sold.",
            details={"product_id": product_id, "reason": "inactive"},
        )
    if product.available <= 0:
        raise ProductUnavailable(
            f"{product.name} is sold out.",
            details={"product_id": product_id, "reason": "sold_out"},
        )
    return product


def _limit(product: ProductDTO) -> int:
    return min(product.available, MAX_QUANTITY)


def _cart_with_line(owner: Owner, product_id: int) -> tuple[Cart | None, CartLine | None]:
    """The owner's stored cart and its line of the product, in one query (a LEFT JOIN on the
    line, which the unique (cart, product) constraint makes at most one)."""
    if owner.customer_id is not None:
        carts = Cart.objects.filter(customer_id=owner.customer_id)
    elif owner.cart_id is not None:
        carts = Cart.objects.filter(pk=owner.cart_id, customer_id__isnull=True)
    else:
        return None, None
    cart = (
        carts.annotate(line=FilteredRelation("lines", condition=Q(lines__product_id=product_id)))
        .select_related("line")  # type: ignore[misc]  # the stubs miss FilteredRelation
        .order_by()
        .first()
    )
    return cart, getattr(cart, "line", None)  # the attribute is set only when a line matched


def _cart_create(*, owner: Owner) -> tuple[Cart, bool]:
    """A new cart for the owner, who had none a moment ago, and whether it is private to this
    request. Only a new anonymous cart is: a racing request of the same customer finds the
    customer's new cart at once (or created it first) and may add the same line to it."""
    if owner.customer_id is None:
        return Cart.objects.create(), True  # nobody else can know this cart
    try:
        with transaction.atomic():
            return Cart.objects.create(customer_id=owner.customer_id), False
    except IntegrityError:
        return Cart.objects.get(customer_id=owner.customer_id), False


def cart_add(*, owner: Owner, product_id: int, quantity: int = 1) -> LineChange:
    """Add `quantity` (1..99) of a product: quantities add up, capped at what is available.

    Raises QuantityOutOfRange, ProductNotFound, ProductUnavailable (inactive or sold out); on
    any of these nothing is stored, not even an empty cart."""
    _check_quantity(quantity, minimum=1)
    product = _for_sale(product_id)
    cart, line = _cart_with_line(owner, product.id)
    created = False
    if cart is None:
        cart, created = _cart_create(owner=owner)
    return _add_to_line(cart=cart, product=product, quantity=quantity, line=line, new_cart=created)


def _add_to_line(
    *, cart: Cart, product: ProductDTO, quantity: int, line: CartLine | None, new_cart: bool
) -> LineChange:
    """Add to the product's line of `cart`, as `line` was just read (None: there was none).

    Optimistic first (no lock: the common case costs the read already made and a write). A
    request that lost a race tries again holding the line's row lock, so it cannot lose twice in
    a row."""
    change = _try_add(cart=cart, product=product, quantity=quantity, line=line, new_cart=new_cart)
    for _ in range(ATTEMPTS):
        if change is not None:
            return change
        with transaction.atomic():
            line = _line(cart, product.id, lock=True)
            change = _try_add(cart=cart, product=product, quantity=quantity, line=line)
    raise Conflict("Your cart changed while we updated it: please try again.")


def _try_add(
    *, cart: Cart, product: ProductDTO, quantity: int, line: CartLine | None, new_cart: bool = False
) -> LineChange | None:
    """One attempt at adding to the line as read; None when another request changed it since."""
    current = line.quantity if line is not None else 0
    wanted = current + quantity
    holds = min(wanted, _limit(product))
    change = LineChange(
        cart_id=cart.pk, product_id=product.id, name=product.name, wanted=wanted,
        quantity=holds, available=product.available, previous=current, created=line is None,
        product=product,
    )  # fmt: skip
    if line is None:
        # Nobody else knows a cart created by this very request: no race to guard against.
        done = _insert(cart=cart, product=product, quantity=holds, race=not new_cart)
    else:
        done = _update(line=line, product=product, quantity=holds)
    return change if done else None


def _line(cart: Cart, product_id: int, *, lock: bool = False) -> CartLine | None:
    lines = CartLine.objects.filter(cart=cart, product_id=product_id).order_by()  # unique
    return (lines.select_for_update() if lock else lines).first()


def _insert(*, cart: Cart, product: ProductDTO, quantity: int, race: bool) -> bool:
    """Insert the line; False when a racing request inserted it first (only when `race`)."""
    line = CartLine(
        cart=cart,
        product_id=product.id,
        quantity=quantity,
        added_price=product.price.amount,
        added_currency=product.price.currency,
    )
    try:
        if race and transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a savepoint: the failed INSERT must not spoil the rest
                line.save(force_insert=True)
        else:
            # On its own (autocommit) a failed INSERT leaves nothing behind to roll back.
            line.save(force_insert=True)
    except IntegrityError:
        if not race:
            raise
        return False  # another request added the product first: add to its line instead
    return True


def _update(*, line: CartLine, product: ProductDTO, quantity: int) -> bool:
    """Set the line's quantity if nobody changed it since it was read. The price the shopper
    just acted on becomes the line's added price."""
    return bool(
        CartLine.objects.filter(pk=line.pk, quantity=line.quantity).update(
            quantity=quantity,
            added_price=product.price.amount,
            added_currency=product.price.currency,
            updated_at=timezone.now(),
        )
    )


def cart_set_quantity(*, owner: Owner, product_id: int, quantity: int) -> LineChange:
    """Set a line's quantity (0..99; 0 removes it), capped at what is available.

    Raises QuantityOutOfRange, CartLineNotFound when the cart does not hold the product, and
    ProductNotFound or ProductUnavailable when it can no longer be bought (only removal is)."""
    _check_quantity(quantity, minimum=0)
    if quantity == 0:
        return cart_remove(owner=owner, product_id=product_id)
    cart, line = _cart_with_line(owner, product_id) if 0 < product_id <= MAX_ID else (None, None)
    if cart is None or line is None:
        raise _not_in_cart(product_id)
    product = _for_sale(product_id)
    holds = min(quantity, _limit(product))
    updated = CartLine.objects.filter(pk=line.pk).update(
        quantity=holds,
        added_price=product.price.amount,
        added_currency=product.price.currency,
        updated_at=timezone.now(),
    )
    if not updated:
        raise _not_in_cart(product_id)  # removed meanwhile
    return LineChange(
        cart_id=cart.pk, product_id=product_id, name=product.name, wanted=quantity,
        quantity=holds, available=product.available, previous=line.quantity, product=product,
    )  # fmt: skip


def cart_remove(*, owner: Owner, product_id: int) -> LineChange:
    """Remove the product's line. Raises CartLineNotFound when the cart does not hold it."""
    cart = cart_for(owner) if 0 < product_id <= MAX_ID else None
    deleted = 0
    if cart is not None:
        deleted, _ = CartLine.objects.filter(cart=cart, product_id=product_id).delete()
    if cart is None or not deleted:
        raise _not_in_cart(product_id)
    product = products_by_id((product_id,)).get(product_id)
    return LineChange(
        cart_id=cart.pk, product_id=product_id, name=product.name if product else "the item",
        wanted=0, quantity=0, available=product.available if product else 0,
    )  # fmt: skip


def _not_in_cart(product_id: int) -> CartLineNotFound:
    return CartLineNotFound("That product is not in your cart.", details={"product_id": product_id})


def cart_empty(*, owner: Owner) -> int:
    """Remove every line; the number removed (0 when there was nothing). Idempotent."""
    cart = cart_for(owner)
    if cart is None:
        return 0
    return cart_clear(cart_id=cart.pk, reason="emptied by the shopper")


def cart_clear(*, cart_id: UUID, reason: str) -> int:
    """Remove every line of the cart `cart_id`, if it exists; the number removed."""
    deleted, _ = CartLine.objects.filter(cart_id=cart_id).delete()
    if deleted:
        logger.info("cart %s cleared (%s lines): %s", cart_id, deleted, reason)
    return deleted


def cart_merge(*, cart_id: UUID, customer_id: int) -> CartMerge:
    """Move an anonymous cart's lines into the customer's cart (created if need be), adding up
    quantities capped at what is available; lines no longer for sale are left behind. The
    anonymous cart is deleted. Safe to call twice, or from two requests at once: only the one
    that deletes the anonymous cart merges it. Its own transaction (after the catalog is asked,
    never inside a caller's: the catalog may be across a network)."""
    lines = list(CartLine.objects.filter(cart_id=cart_id, cart__customer_id__isnull=True))
    products = products_by_id(line.product_id for line in lines)  # before our transaction
    mergeable = [
        (line, product)
        for line in lines
        if (product := products.get(line.product_id)) is not None
        and product.is_active
        and product.available > 0
    ]
    capped = 0
    with transaction.atomic(durable=True):
        # The claim. Lines added to the anonymous cart since they were read above (a request
        # racing its own sign-in) go with it: a window of a few milliseconds, accepted.
        claimed, _ = Cart.objects.filter(pk=cart_id, customer_id__isnull=True).delete()
        if not claimed:
            return CartMerge()
        if mergeable:
            cart, created = Cart.objects.get_or_create(customer_id=customer_id)
            for line, product in mergeable:
                change = _add_to_line(
                    # new_cart=False even when created: another request of the same customer
                    # may add to the cart as soon as it exists.
                    cart=cart, product=product, quantity=line.quantity, new_cart=False,
                    line=None if created else _line(cart, product.id),
                )  # fmt: skip
                capped += change.capped
    return CartMerge(added=len(mergeable), capped=capped, dropped=len(lines) - len(mergeable))
