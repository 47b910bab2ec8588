"""Fixtures of the cart tests: products on sale, customers, and what a cart stores."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.accounts.models import User
from apps.catalog.models import Product
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory


@pytest.fixture
def lamp(db: None) -> Product:
    return ProductFactory(name="Brass lamp", slug="brass-lamp", price=Decimal("40.00"), stock=5)


@pytest.fixture
def mug(db: None) -> Product:
    return ProductFactory(name="Stoneware mug", slug="mug", price=Decimal("12.50"), stock=50)


@pytest.fixture
def customer(db: None) -> User:
    return UserFactory(email="ada@example.com")
