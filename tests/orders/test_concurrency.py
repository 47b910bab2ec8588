"""The proof under real concurrency (PostgreSQL): no oversell, no double order, no double charge."""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import Decimal

import pytest

from apps.catalog.models import Reservation, Stock
from apps.orders.models import Order
from apps.orders.services.checkout import order_place
from contracts.catalog.errors import OutOfStock
from contracts.kernel.registry import registry
from contracts.payments.dto import PaymentCustomer
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.concurrency import race
from tests.orders.conftest import HOME
from tests.orders.fakes import FakeCart, FakePayments

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
]


def test_thirty_checkouts_for_the_last_five_units_make_exactly_five_orders():
    product = ProductFactory(price=Decimal("20.00"), stock=5)
    shoppers = [UserFactory() for _ in range(30)]
    cart, payments = FakeCart(), FakePayments()
    for shopper in shoppers:
        cart.put(shopper.pk, product.pk, 1)

    def checkout(n: int) -> None:
        who = shoppers[n]
        order_place(
            customer=PaymentCustomer(who.pk, who.email, "x"),
            address=HOME,
            idempotency_key=uuid.uuid4().hex,
        )

    with registry.override("cart", cart), registry.override("payments", payments):
        outcomes = race(30, checkout, expected={OutOfStock: "sold out"})

    assert outcomes == Counter({"ok": 5, "sold out": 25})
    assert Order.objects.filter(status="pending_payment").count() == 5
    stock = Stock.objects.get(pk=product.pk)
    assert (stock.on_hand, stock.reserved) == (5, 5)
    assert Reservation.objects.filter(status="active").count() == 5
    assert len(payments.started) == 5


def test_the_same_key_posted_twenty_times_at_once_is_one_order_one_hold_one_payment():
    product = ProductFactory(stock=10)
    shopper = UserFactory()
    cart, payments = FakeCart(), FakePayments()
    cart.put(shopper.pk, product.pk, 2)

    def checkout(n: int) -> None:
        order_place(
            customer=PaymentCustomer(shopper.pk, shopper.email, "x"),
            address=HOME,
            idempotency_key="the-same-key-20x",
        )

    with registry.override("cart", cart), registry.override("payments", payments):
        outcomes = race(20, checkout)

    assert outcomes == Counter({"ok": 20})
    assert Order.objects.count() == 1
    assert Reservation.objects.count() == 1
    assert Stock.objects.get(pk=product.pk).reserved == 2
    assert len(payments.started) == 1
