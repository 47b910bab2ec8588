"""Carts as tests need them, and what a cart stores."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.cart.models import Cart, CartLine
from apps.cart.selectors import Owner


class CartFactory(DjangoModelFactory):
    class Meta:
        model = Cart


class CartLineFactory(DjangoModelFactory):
    """A stored line, bypassing the services: for states they would refuse to make (a price
    from the past, more than is left)."""

    class Meta:
        model = CartLine

    cart = factory.SubFactory(CartFactory)
    product_id = 1
    quantity = 1
    added_price = Decimal("10.00")
    added_currency = "EUR"


def stored(*, customer_id: int | None = None, cart_id: object = None) -> list[tuple[int, int]]:
    """(product id, quantity) of every stored line of one cart, in the order added."""
    lines = CartLine.objects.order_by("created_at", "id")
    if customer_id is not None:
        lines = lines.filter(cart__customer_id=customer_id)
    else:
        lines = lines.filter(cart_id=cart_id)
    return list(lines.values_list("product_id", "quantity"))


def anonymous() -> Owner:
    """A new anonymous shopper (no cart yet)."""
    return Owner()


def customer_owner(user: object) -> Owner:
    return Owner(customer_id=user.pk)  # type: ignore[attr-defined]


def only_cart() -> Cart:
    """The one cart in the database (tests that expect exactly one)."""
    (cart,) = Cart.objects.all()
    return cart
