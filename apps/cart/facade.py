"""The in-process implementation of `contracts.cart`."""

from __future__ import annotations

from django.db import transaction

from apps.cart import selectors, services
from apps.cart.models import Cart
from contracts.cart.dto import CartDTO, CartMerge
from contracts.cart.errors import CartNotFound
from contracts.cart.service import SERVICE, VERSION
from contracts.kernel.service import ServiceHealth, probe


class CartFacade:
    """Implements `CartService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, Cart.objects.exists)

    def get_cart(self, cart_id: str) -> CartDTO:
        cart = selectors.cart_by_id(cart_id)
        if cart is None:
            raise CartNotFound(f"no cart {cart_id!r}", details={"cart_id": cart_id})
        return selectors.cart_dto(cart)

    def get_customer_cart(self, customer_id: int) -> CartDTO:
        return selectors.owner_cart_dto(selectors.Owner(customer_id=customer_id))

    def clear_cart(self, cart_id: str, reason: str) -> None:
        pk = selectors.parse_cart_id(cart_id)
        if pk is None:
            return  # an unknown cart is as clear as can be
        with transaction.atomic(durable=True):
            services.cart_clear(cart_id=pk, reason=reason)

    def item_count(self, customer_id: int | None = None, cart_id: str = "") -> int:
        if customer_id is not None:
            return selectors.item_count(selectors.Owner(customer_id=customer_id))
        pk = selectors.parse_cart_id(cart_id) if cart_id else None
        return selectors.item_count(selectors.Owner(cart_id=pk)) if pk is not None else 0

    def merge_cart(self, cart_id: str, customer_id: int) -> CartMerge:
        pk = selectors.parse_cart_id(cart_id)
        if pk is None:
            return CartMerge()  # no such cart: nothing to merge
        return services.cart_merge(cart_id=pk, customer_id=customer_id)
