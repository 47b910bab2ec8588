"""Real concurrency (PostgreSQL): racing adds lose no quantity, racing merges merge once."""

from __future__ import annotations

from collections import Counter

import pytest

from apps.cart import services
from apps.cart.models import Cart
from apps.cart.selectors import Owner
from tests.cart.factories import stored
from tests.catalog.factories import ProductFactory
from tests.concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
]


def test_twenty_racing_adds_to_a_new_customer_cart_all_count():
    mug = ProductFactory(stock=500)

    outcomes = race(
        20, lambda n: services.cart_add(owner=Owner(customer_id=7), product_id=mug.pk, quantity=2)
    )

    assert outcomes == Counter({"ok": 20})
    assert Cart.objects.filter(customer_id=7).count() == 1
    assert stored(customer_id=7) == [(mug.pk, 40)]


def test_racing_adds_stop_at_what_is_available():
    lamp = ProductFactory(stock=15)

    outcomes = race(20, lambda n: services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk))

    assert outcomes == Counter({"ok": 20})
    assert stored(customer_id=7) == [(lamp.pk, 15)]


def test_two_requests_merging_the_same_cart_merge_it_once():
    mug = ProductFactory(stock=50)
    cart_id = services.cart_add(owner=Owner(), product_id=mug.pk, quantity=3).cart_id

    outcomes = race(8, lambda n: services.cart_merge(cart_id=cart_id, customer_id=7))

    assert outcomes == Counter({"ok": 8})
    assert stored(customer_id=7) == [(mug.pk, 3)]
    assert list(Cart.objects.values_list("customer_id", flat=True)) == [7]
