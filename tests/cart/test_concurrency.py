"""Real concurrency (PostgreSQL): racing adds lose no quantity, racing merges merge once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from apps.cart import services
from apps.cart.models import Cart
from apps.cart.selectors import Owner
from tests.cart.factories import stored
from tests.catalog.factories import ProductFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions; CI runs it there")


def run_together(count: int, work) -> Counter[str]:
    barrier = threading.Barrier(count)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            barrier.wait()
            try:
                work(n)
                outcome = "ok"
            except Exception as exc:  # recorded, then asserted absent
                outcome = f"{type(exc).__name__}: {exc}"
            with lock:
                outcomes[outcome] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_racing_adds_to_a_new_customer_cart_all_count():
    mug = ProductFactory(stock=500)

    outcomes = run_together(
        20, lambda n: services.cart_add(owner=Owner(customer_id=7), product_id=mug.pk, quantity=2)
    )

    assert outcomes == Counter({"ok": 20})
    assert Cart.objects.filter(customer_id=7).count() == 1
    assert stored(customer_id=7) == [(mug.pk, 40)]


def test_racing_adds_stop_at_what_is_available():
    lamp = ProductFactory(stock=15)

    outcomes = run_together(
        20, lambda n: services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk)
    )

    assert outcomes == Counter({"ok": 20})
    assert stored(customer_id=7) == [(lamp.pk, 15)]


def test_two_requests_merging_the_same_cart_merge_it_once():
    mug = ProductFactory(stock=50)
    cart_id = services.cart_add(owner=Owner(), product_id=mug.pk, quantity=3).cart_id

    outcomes = run_together(8, lambda n: services.cart_merge(cart_id=cart_id, customer_id=7))

    assert outcomes == Counter({"ok": 8})
    assert stored(customer_id=7) == [(mug.pk, 3)]
    assert list(Cart.objects.values_list("customer_id", flat=True)) == [7]
