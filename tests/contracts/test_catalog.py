"""The catalog contract's reads and its reservation, kept by every binding (local, loopback, HTTP).

Every assertion goes through the contract (`catalog.get_products(...).available` for stock), so
it means the same thing on each binding; errors are caught as the contract's classes and their
`details` compared whole, which over HTTP proves the client rebuilt them from the error code.
Commit, release, restock and expiry are in test_catalog_reservations.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from contracts.catalog.dto import ProductDTO, ReservationDTO, ReservationStatus, StockLine
from contracts.catalog.errors import (
    InactiveProduct,
    OutOfStock,
    ProductNotFound,
    ReservationMismatch,
)
from contracts.catalog.service import VERSION
from contracts.kernel.errors import InvalidRequest
from contracts.kernel.money import Money
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.contracts.conftest import implementations

catalog = implementations("catalog")
TTL = 900
UNKNOWN_ID = 2_000_000_000  # fixed, so that xdist workers collect the same test ids


def available(catalog, *products) -> list[int]:
    """What the catalog says is left of each product, asked through the contract."""
    return [p.available for p in catalog.get_products(tuple(p.pk for p in products))]


def test_health_names_the_service_and_its_contract_version(catalog):
    health = catalog.health()

    assert (health.service, health.version, health.ok) == ("catalog", VERSION, True), health


def test_get_products_keeps_the_order_asked_flags_inactive_and_leaves_out_unknown_ids(catalog):
    a, b = ProductFactory(stock=4), ProductFactory(stock=0)
    retired = ProductFactory(is_active=False, stock=2)

    found = catalog.get_products((retired.pk, UNKNOWN_ID, a.pk, b.pk))

    assert [(p.id, p.is_active, p.available) for p in found] == [
        (retired.pk, False, 2),
        (a.pk, True, 4),
        (b.pk, True, 0),
    ]


def test_get_products_of_no_ids_is_empty(catalog):
    ProductFactory()

    assert catalog.get_products(()) == ()


def test_a_product_carries_every_field_and_an_exact_price(catalog):
    shelf = CategoryFactory(slug="lighting")
    lamp = ProductFactory(
        sku="LAMP-9",
        name="Brass lamp",
        slug="brass-lamp",
        price=Decimal("49.90"),
        category=shelf,
        stock=3,
    )

    (dto,) = catalog.get_products((lamp.pk,))

    assert dto == ProductDTO(
        id=lamp.pk,
        sku="LAMP-9",
        name="Brass lamp",
        slug="brass-lamp",
        price=Money("49.90", "EUR"),
        is_active=True,
        available=3,
        image_url=None,
        category_slug="lighting",
    )
    assert (type(dto.price.amount), str(dto.price.amount)) == (Decimal, "49.90")


def test_a_product_without_a_category_has_no_category_slug(catalog):
    loose = ProductFactory(category=None)

    assert catalog.get_products((loose.pk,))[0].category_slug is None


def test_available_is_on_hand_minus_what_is_held(catalog):
    mug = ProductFactory(stock=5)
    catalog.reserve_stock((StockLine(mug.pk, 2),), "held-elsewhere", TTL)

    assert available(catalog, mug) == [3]


def test_get_products_by_sku_keeps_the_order_asked_and_leaves_out_unknown_skus(catalog):
    ProductFactory(sku="MUG-1", stock=4)
    ProductFactory(sku="OLD-1", is_active=False)

    found = catalog.get_products_by_sku(("OLD-1", "NOPE", "MUG-1"))

    assert [(p.sku, p.is_active, p.available) for p in found] == [
        ("OLD-1", False, 10),
        ("MUG-1", True, 4),
    ]


def test_get_product_by_slug_finds_it_inactive_or_not(catalog):
    lamp = ProductFactory(slug="brass-lamp", price=Decimal("40.00"))
    ProductFactory(slug="retired", is_active=False)

    assert catalog.get_product_by_slug("brass-lamp") == catalog.get_products((lamp.pk,))[0]
    assert catalog.get_product_by_slug("retired").is_active is False


def test_get_product_by_slug_raises_product_not_found_naming_the_slug(catalog):
    ProductFactory(slug="brass-lamp")

    with pytest.raises(ProductNotFound) as caught:
        catalog.get_product_by_slug("nope")

    assert caught.value.details == {"slug": "nope"}


def test_reserve_stock_holds_every_line_added_up_until_it_expires(catalog):
    mug, lamp = ProductFactory(stock=5), ProductFactory(stock=3)
    before = datetime.now(UTC)

    held = catalog.reserve_stock(
        (StockLine(mug.pk, 2), StockLine(lamp.pk, 3), StockLine(mug.pk, 1)), "order-1", TTL
    )

    assert (held.reference, held.status) == ("order-1", ReservationStatus.ACTIVE)
    assert held.lines == (StockLine(mug.pk, 3), StockLine(lamp.pk, 3))
    ttl = timedelta(seconds=TTL)
    assert before + ttl <= held.expires_at <= datetime.now(UTC) + ttl
    assert available(catalog, mug, lamp) == [2, 0]


def test_reserve_stock_takes_the_last_unit_but_never_goes_below_zero(catalog):
    mug = ProductFactory(sku="MUG-1", stock=2)
    catalog.reserve_stock((StockLine(mug.pk, 2),), "first", TTL)

    with pytest.raises(OutOfStock) as caught:
        catalog.reserve_stock((StockLine(mug.pk, 1),), "second", TTL)

    assert caught.value.details == {"items": [{"sku": "MUG-1", "requested": 1, "available": 0}]}
    assert available(catalog, mug) == [0]


def test_out_of_stock_names_each_short_sku_and_holds_nothing(catalog):
    mug = ProductFactory(sku="MUG-1", stock=5)
    lamp, vase = ProductFactory(sku="LAMP-1", stock=1), ProductFactory(sku="VASE-1", stock=2)

    with pytest.raises(OutOfStock) as caught:
        catalog.reserve_stock(
            (
                StockLine(mug.pk, 2),
                StockLine(lamp.pk, 2),
                StockLine(vase.pk, 2),
                StockLine(vase.pk, 1),
            ),
            "order-1",
            TTL,
        )

    assert caught.value.details == {
        "items": [
            {"sku": "LAMP-1", "requested": 2, "available": 1},
            {"sku": "VASE-1", "requested": 3, "available": 2},
        ]
    }
    assert available(catalog, mug, lamp, vase) == [5, 1, 2]


def test_a_refused_reservation_leaves_its_reference_free(catalog):
    mug = ProductFactory(stock=1)
    with pytest.raises(OutOfStock):
        catalog.reserve_stock((StockLine(mug.pk, 2),), "order-1", TTL)

    held = catalog.reserve_stock((StockLine(mug.pk, 1),), "order-1", TTL)

    assert held.lines == (StockLine(mug.pk, 1),)
    assert available(catalog, mug) == [0]


def test_reserve_stock_of_an_unknown_product_raises_product_not_found_and_holds_nothing(catalog):
    mug = ProductFactory(stock=5)

    with pytest.raises(ProductNotFound) as caught:
        catalog.reserve_stock((StockLine(mug.pk, 1), StockLine(UNKNOWN_ID, 1)), "order-1", TTL)

    assert caught.value.details == {"ids": [UNKNOWN_ID]}
    assert available(catalog, mug) == [5]


def test_reserve_stock_of_an_inactive_product_raises_inactive_product_and_holds_nothing(catalog):
    mug = ProductFactory(stock=5)
    retired = ProductFactory(sku="OLD-1", is_active=False, stock=5)

    with pytest.raises(InactiveProduct) as caught:
        catalog.reserve_stock((StockLine(mug.pk, 1), StockLine(retired.pk, 1)), "order-1", TTL)

    assert caught.value.details == {"skus": ["OLD-1"]}
    assert available(catalog, mug, retired) == [5, 5]


@pytest.mark.parametrize(("quantity", "ttl"), [(0, TTL), (-1, TTL), (1, 0), (1, -60)])
def test_reserve_stock_refuses_a_quantity_below_one_or_a_bad_ttl(catalog, quantity, ttl):
    mug, lamp = ProductFactory(stock=5), ProductFactory(stock=5)

    with pytest.raises(InvalidRequest) as caught:
        catalog.reserve_stock((StockLine(mug.pk, 2), StockLine(lamp.pk, quantity)), "o-1", ttl)

    assert caught.value.code == "invalid_request"
    assert available(catalog, mug, lamp) == [5, 5]


def test_reserving_again_with_the_same_lines_returns_the_existing_reservation(catalog):
    mug, lamp = ProductFactory(stock=5), ProductFactory(stock=5)
    first = catalog.reserve_stock((StockLine(mug.pk, 2), StockLine(lamp.pk, 1)), "order-1", TTL)

    # The same lines, asked in another order and split differently: the same reservation.
    again = catalog.reserve_stock(
        (StockLine(lamp.pk, 1), StockLine(mug.pk, 1), StockLine(mug.pk, 1)), "order-1", TTL * 2
    )

    assert again == first
    assert available(catalog, mug, lamp) == [3, 4]


@pytest.mark.parametrize(
    ("step", "status"),
    [
        ("commit_reservation", ReservationStatus.COMMITTED),
        ("release_reservation", ReservationStatus.RELEASED),
    ],
)
def test_reserving_again_returns_the_reservation_whatever_its_status(catalog, step, status):
    mug = ProductFactory(stock=5)
    first = catalog.reserve_stock((StockLine(mug.pk, 2),), "order-1", TTL)
    getattr(catalog, step)("order-1")
    left = available(catalog, mug)

    again = catalog.reserve_stock((StockLine(mug.pk, 2),), "order-1", TTL)

    assert again == ReservationDTO("order-1", status, first.expires_at, first.lines)
    assert available(catalog, mug) == left


@pytest.mark.parametrize("other", [((0, 3),), ((0, 2), (1, 1)), ((1, 2),)])
def test_reserving_again_with_other_lines_raises_reservation_mismatch(catalog, other):
    products = [ProductFactory(stock=5), ProductFactory(stock=5)]
    catalog.reserve_stock((StockLine(products[0].pk, 2),), "order-1", TTL)

    lines = tuple(StockLine(products[index].pk, quantity) for index, quantity in other)

    with pytest.raises(ReservationMismatch) as caught:
        catalog.reserve_stock(lines, "order-1", TTL)

    assert caught.value.details == {"reference": "order-1"}
    assert available(catalog, *products) == [3, 5]
