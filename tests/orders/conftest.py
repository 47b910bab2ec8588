from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from apps.orders.models import Order
from apps.orders.services.checkout import order_place
from contracts.kernel.registry import registry
from contracts.orders.dto import ShippingAddressDTO
from contracts.payments.dto import PaymentCustomer
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.orders.fakes import FakeCart, FakePayments

HOME = ShippingAddressDTO("Ada Lovelace", "3 Rue de Rivoli", "", "Paris", "75001", "", "FR", "")


@pytest.fixture
def cart() -> Iterator[FakeCart]:
    fake = FakeCart()
    with registry.override("cart", fake):
        yield fake


@pytest.fixture
def payments() -> Iterator[FakePayments]:
    fake = FakePayments()
    with registry.override("payments", fake):
        yield fake


@pytest.fixture
def shopper(db):
    return UserFactory(email="ada@example.com", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def mug(db):
    return ProductFactory(name="Stoneware mug", sku="MUG-1", price=Decimal("14.00"), stock=5)


@pytest.fixture
def lamp(db):
    return ProductFactory(name="Desk lamp", sku="LAMP-1", price=Decimal("79.00"), stock=2)


@pytest.fixture
def place(shopper, cart, payments):
    """Check out the shopper's (fake) cart: ``place({mug: 2}, key="...")``."""

    def checkout(
        items: dict | None = None,
        *,
        key: str | None = None,
        customer=None,
        address: ShippingAddressDTO = HOME,
    ) -> Order:
        who = customer or shopper
        for product, quantity in (items or {}).items():
            cart.put(who.pk, product.pk, quantity)
        return order_place(
            customer=PaymentCustomer(who.pk, who.email, who.get_full_name()),
            address=address,
            idempotency_key=key or uuid.uuid4().hex,
        )

    return checkout
