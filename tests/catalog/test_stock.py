"""The stock saga steps through the catalog contract: reserve, commit, release, expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog.models import Reservation, Stock
from apps.catalog.services.stock import reservations_release_expired
from contracts.catalog.dto import ReservationStatus, StockLine
from contracts.catalog.errors import (
    InactiveProduct,
    OutOfStock,
    ProductNotFound,
    ReservationMismatch,
    ReservationNotFound,
    ReservationReleased,
)
from contracts.catalog.service import catalog_service
from contracts.kernel.errors import Conflict, InvalidRequest
from microstore.outbox.models import OutboxEvent
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db
TTL = 900


def levels(*products):
    return [
        tuple(Stock.objects.filter(pk=p.pk).values_list("on_hand", "reserved")[0]) for p in products
    ]


def test_reserving_holds_every_line_and_expires_later():
    mug, lamp = ProductFactory(stock=5), ProductFactory(stock=3)

    held = catalog_service().reserve_stock(
        (StockLine(mug.pk, 2), StockLine(lamp.pk, 3), StockLine(mug.pk, 1)), "order-1", TTL
    )

    assert held.status is ReservationStatus.ACTIVE
    assert held.lines == (StockLine(mug.pk, 3), StockLine(lamp.pk, 3))
    assert timezone.now() + timedelta(seconds=TTL - 5) < held.expires_at
    assert levels(mug, lamp) == [(5, 3), (3, 3)]


def test_one_short_line_reserves_nothing_and_names_what_is_left():
    mug, lamp = ProductFactory(stock=5, sku="MUG"), ProductFactory(stock=1, sku="LAMP")

    with pytest.raises(OutOfStock) as caught:
        catalog_service().reserve_stock((StockLine(mug.pk, 2), StockLine(lamp.pk, 2)), "o-2", TTL)

    assert caught.value.details["items"] == [{"sku": "LAMP", "requested": 2, "available": 1}]
    assert "LAMP (only 1 left)" in caught.value.message
    assert levels(mug, lamp) == [(5, 0), (1, 0)]
    assert not Reservation.objects.exists()


def test_the_same_reference_twice_is_one_reservation():
    mug = ProductFactory(stock=5)
    first = catalog_service().reserve_stock((StockLine(mug.pk, 2),), "order-3", TTL)
    again = catalog_service().reserve_stock((StockLine(mug.pk, 2),), "order-3", TTL)
    assert again == first
    assert levels(mug) == [(5, 2)]


def test_the_same_reference_for_other_lines_is_refused():
    mug = ProductFactory(stock=5)
    catalog_service().reserve_stock((StockLine(mug.pk, 2),), "order-4", TTL)
    with pytest.raises(ReservationMismatch):
        catalog_service().reserve_stock((StockLine(mug.pk, 3),), "order-4", TTL)
    assert levels(mug) == [(5, 2)]


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ((), InvalidRequest),
        (((0, 1),), ProductNotFound),
        ((("mug", 0),), InvalidRequest),
    ],
)
def test_bad_lines_are_refused_and_change_nothing(lines, error):
    mug = ProductFactory(stock=5)
    real = tuple(StockLine(mug.pk if p == "mug" else p, q) for p, q in lines)
    with pytest.raises(error):
        catalog_service().reserve_stock(real, "order-5", TTL)
    assert levels(mug) == [(5, 0)]
    assert not Reservation.objects.exists()


def test_an_inactive_product_cannot_be_reserved():
    old = ProductFactory(stock=5, is_active=False, sku="OLD-1")
    with pytest.raises(InactiveProduct) as caught:
        catalog_service().reserve_stock((StockLine(old.pk, 1),), "order-6", TTL)
    assert caught.value.details["skus"] == ["OLD-1"]
    assert levels(old) == [(5, 0)]


@pytest.mark.parametrize("ttl", [0, -5, 8 * 24 * 3600])
def test_a_bad_ttl_is_refused(ttl):
    mug = ProductFactory(stock=5)
    with pytest.raises(InvalidRequest, match="ttl"):
        catalog_service().reserve_stock((StockLine(mug.pk, 1),), "order-7", ttl)


def test_commit_sells_the_held_stock_once():
    mug = ProductFactory(stock=5)
    catalog_service().reserve_stock((StockLine(mug.pk, 2),), "order-8", TTL)

    first = catalog_service().commit_reservation("order-8")
    second = catalog_service().commit_reservation("order-8")

    assert first.status is second.status is ReservationStatus.COMMITTED
    assert levels(mug) == [(3, 0)]


def test_release_gives_the_stock_back_once():
    mug = ProductFactory(stock=5)
    catalog_service().reserve_stock((StockLine(mug.pk, 2),), "order-9", TTL)

    catalog_service().release_reservation("order-9")
    again = catalog_service().release_reservation("order-9")

    assert again.status is ReservationStatus.RELEASED
    assert levels(mug) == [(5, 0)]


def test_a_released_reservation_cannot_be_committed_and_a_committed_one_not_released():
    mug = ProductFactory(stock=5)
    catalog_service().reserve_stock((StockLine(mug.pk, 1),), "gone", TTL)
    catalog_service().release_reservation("gone")
    with pytest.raises(ReservationReleased):
        catalog_service().commit_reservation("gone")

    catalog_service().reserve_stock((StockLine(mug.pk, 1),), "sold", TTL)
    catalog_service().commit_reservation("sold")
    with pytest.raises(Conflict):
        catalog_service().release_reservation("sold")
    assert levels(mug) == [(4, 0)]


def test_unknown_references_are_not_found():
    with pytest.raises(ReservationNotFound):
        catalog_service().commit_reservation("nope")
    with pytest.raises(ReservationNotFound):
        catalog_service().release_reservation("nope")


def test_expired_reservations_are_released_with_an_event_and_fresh_ones_kept():
    mug = ProductFactory(stock=5)
    catalog_service().reserve_stock((StockLine(mug.pk, 2),), "stale", TTL)
    catalog_service().reserve_stock((StockLine(mug.pk, 1),), "fresh", TTL)
    Reservation.objects.filter(reference="stale").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert reservations_release_expired() == 1
    assert reservations_release_expired() == 0

    assert levels(mug) == [(5, 1)]
    stale = Reservation.objects.get(reference="stale")
    assert (stale.status, stale.release_reason) == ("released", "expired")
    event = OutboxEvent.objects.get(event_type="catalog.ReservationExpired")
    assert event.payload["reference"] == "stale"
    with pytest.raises(ReservationReleased):
        catalog_service().commit_reservation("stale")


def test_restock_puts_sold_stock_back_once_and_only_for_sold_reservations():
    mug = ProductFactory(stock=5)
    catalog_service().reserve_stock((StockLine(mug.pk, 2),), "sold", TTL)
    catalog_service().commit_reservation("sold")

    catalog_service().restock_reservation("sold")
    catalog_service().restock_reservation("sold")
    assert levels(mug) == [(5, 0)]

    catalog_service().reserve_stock((StockLine(mug.pk, 1),), "held", TTL)
    with pytest.raises(Conflict):
        catalog_service().restock_reservation("held")
    assert levels(mug) == [(5, 1)]
