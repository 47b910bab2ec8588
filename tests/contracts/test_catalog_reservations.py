"""The catalog contract's saga steps after a reservation: commit, release, restock, expiry, kept
by every binding. Stock is asked through the contract (`available`), errors caught as the
contract's classes with their `details`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog.models import Reservation
from apps.catalog.services.stock import reservations_release_expired
from contracts.catalog.dto import CatalogFigures, ReservationDTO, ReservationStatus, StockLine
from contracts.catalog.errors import ReservationNotFound, ReservationReleased
from contracts.kernel.errors import Conflict
from tests.catalog.factories import ProductFactory
from tests.contracts.conftest import implementations
from tests.contracts.test_catalog import TTL, available

catalog = implementations("catalog")
STEPS = ("commit_reservation", "release_reservation", "restock_reservation")


@pytest.fixture
def mug(catalog):
    """Five mugs on the shelf (after `catalog`, which sets up the database its binding needs)."""
    return ProductFactory(stock=5)


def hold(catalog, mug, quantity: int = 2, reference: str = "order-1") -> ReservationDTO:
    return catalog.reserve_stock((StockLine(mug.pk, quantity),), reference, TTL)


def test_commit_turns_held_stock_into_sold_stock(catalog, mug):
    held = hold(catalog, mug)

    committed = catalog.commit_reservation("order-1")

    assert committed == ReservationDTO(
        "order-1", ReservationStatus.COMMITTED, held.expires_at, held.lines
    )
    assert available(catalog, mug) == [3]


def test_committing_twice_changes_nothing(catalog, mug):
    hold(catalog, mug)
    first = catalog.commit_reservation("order-1")

    again = catalog.commit_reservation("order-1")

    assert again == first
    assert available(catalog, mug) == [3]


def test_release_gives_held_stock_back(catalog, mug):
    held = hold(catalog, mug)

    released = catalog.release_reservation("order-1")

    assert released == ReservationDTO(
        "order-1", ReservationStatus.RELEASED, held.expires_at, held.lines
    )
    assert available(catalog, mug) == [5]


def test_releasing_twice_changes_nothing(catalog, mug):
    hold(catalog, mug)
    hold(catalog, mug, 1, reference="someone-else")
    first = catalog.release_reservation("order-1")

    again = catalog.release_reservation("order-1")

    assert again == first
    assert available(catalog, mug) == [4]


def test_commit_after_release_raises_reservation_released_and_sells_nothing(catalog, mug):
    hold(catalog, mug)
    catalog.release_reservation("order-1")

    with pytest.raises(ReservationReleased) as caught:
        catalog.commit_reservation("order-1")

    assert caught.value.details == {"reference": "order-1", "reason": "released"}
    assert available(catalog, mug) == [5]


def test_expiry_releases_the_hold_and_it_can_no_longer_be_committed(catalog, mug):
    hold(catalog, mug)
    Reservation.objects.filter(reference="order-1").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    reservations_release_expired()  # the periodic task
    assert available(catalog, mug) == [5]

    with pytest.raises(ReservationReleased) as caught:
        catalog.commit_reservation("order-1")

    assert caught.value.details == {"reference": "order-1", "reason": "expired"}
    assert available(catalog, mug) == [5]


def test_release_after_commit_raises_conflict_and_gives_nothing_back(catalog, mug):
    hold(catalog, mug)
    catalog.commit_reservation("order-1")

    with pytest.raises(Conflict) as caught:
        catalog.release_reservation("order-1")

    assert (caught.value.code, caught.value.details) == ("conflict", {"reference": "order-1"})
    assert available(catalog, mug) == [3]


def test_restock_puts_sold_stock_back_on_the_shelf(catalog, mug):
    held = hold(catalog, mug)
    catalog.commit_reservation("order-1")

    restocked = catalog.restock_reservation("order-1")

    assert restocked == ReservationDTO(
        "order-1", ReservationStatus.RELEASED, held.expires_at, held.lines
    )
    assert available(catalog, mug) == [5]


def test_restocking_twice_changes_nothing(catalog, mug):
    hold(catalog, mug)
    catalog.commit_reservation("order-1")
    first = catalog.restock_reservation("order-1")

    again = catalog.restock_reservation("order-1")

    assert again == first
    assert available(catalog, mug) == [5]


@pytest.mark.parametrize("release", [False, True], ids=["active", "released"])
def test_restock_of_a_reservation_never_committed_raises_conflict(catalog, mug, release):
    hold(catalog, mug)
    if release:
        catalog.release_reservation("order-1")

    with pytest.raises(Conflict) as caught:
        catalog.restock_reservation("order-1")

    status = "released" if release else "active"
    assert (caught.value.code, caught.value.details) == (
        "conflict",
        {"reference": "order-1", "status": status},
    )
    assert available(catalog, mug) == [5 if release else 3]


@pytest.mark.parametrize("step", STEPS)
def test_an_unknown_reference_raises_reservation_not_found(catalog, mug, step):
    hold(catalog, mug)

    with pytest.raises(ReservationNotFound) as caught:
        getattr(catalog, step)("order-404")

    assert caught.value.details == {"reference": "order-404"}
    assert available(catalog, mug) == [3]


def test_figures_count_the_holds_that_expired_since_a_time(catalog, mug):
    before = timezone.now()
    for reference in ("order-1", "order-2", "order-3", "order-4"):
        hold(catalog, mug, 1, reference)
    Reservation.objects.filter(reference__in=("order-1", "order-2")).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    reservations_release_expired()  # the periodic task: two expired
    catalog.release_reservation("order-3")  # released, not expired
    catalog.commit_reservation("order-4")

    assert catalog.figures(before) == CatalogFigures(reservations_expired=2)
    assert catalog.figures(timezone.now() + timedelta(seconds=1)) == CatalogFigures(0)
