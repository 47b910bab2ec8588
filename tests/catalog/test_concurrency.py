"""No oversell under real concurrency (PostgreSQL): conditional updates, no deadlocks."""

from __future__ import annotations

from collections import Counter

import pytest

from apps.catalog.models import Reservation, Stock
from contracts.catalog.dto import StockLine
from contracts.catalog.errors import OutOfStock
from contracts.catalog.service import catalog_service
from tests.catalog.factories import ProductFactory
from tests.concurrency import race

SOLD_OUT = {OutOfStock: "out_of_stock"}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
]


def test_fifty_shoppers_racing_for_ten_units_get_exactly_ten():
    product = ProductFactory(stock=10)

    outcomes = race(
        50,
        lambda n: catalog_service().reserve_stock((StockLine(product.pk, 1),), f"race-{n}", 600),
        expected=SOLD_OUT,
    )

    assert outcomes == Counter({"ok": 10, "out_of_stock": 40})
    stock = Stock.objects.get(pk=product.pk)
    assert (stock.on_hand, stock.reserved) == (10, 10)
    assert Reservation.objects.count() == 10


def test_multi_line_reservations_in_opposite_orders_do_not_deadlock():
    a, b = ProductFactory(stock=15), ProductFactory(stock=15)

    def reserve(n: int) -> None:
        lines = (StockLine(a.pk, 1), StockLine(b.pk, 1))
        catalog_service().reserve_stock(lines if n % 2 else lines[::-1], f"pair-{n}", 600)

    outcomes = race(40, reserve, expected=SOLD_OUT)

    assert outcomes == Counter({"ok": 15, "out_of_stock": 25})
    assert list(Stock.objects.order_by("pk").values_list("on_hand", "reserved")) == [
        (15, 15),
        (15, 15),
    ]


def test_the_same_reference_raced_twenty_times_is_one_reservation():
    product = ProductFactory(stock=10)

    outcomes = race(
        20, lambda n: catalog_service().reserve_stock((StockLine(product.pk, 2),), "same", 600)
    )

    assert outcomes == Counter({"ok": 20})
    assert Stock.objects.get(pk=product.pk).reserved == 2
    assert Reservation.objects.count() == 1
