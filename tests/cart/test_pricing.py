"""The priced cart: live prices, caps and flags, totals, and what blocks the checkout."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.cart import selectors, services
from apps.cart.selectors import GONE_NAME, Owner
from apps.catalog.models import Product, Stock
from contracts.cart.dto import CartLineDTO, LineFlag
from contracts.kernel.money import Money
from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db
OWNER = Owner(customer_id=7)


def priced():
    return selectors.cart_dto(selectors.cart_for(OWNER), customer_id=7)


def test_a_fresh_cart_is_priced_from_the_catalog(lamp, mug):
    services.cart_add(owner=OWNER, product_id=lamp.pk, quantity=2)
    services.cart_add(owner=OWNER, product_id=mug.pk, quantity=3)

    cart = priced()

    assert cart.lines[0] == CartLineDTO(
        product_id=lamp.pk,
        sku=lamp.sku,
        name="Brass lamp",
        slug="brass-lamp",
        image_url=None,
        unit_price=Money("40.00", "EUR"),
        added_price=Money("40.00", "EUR"),
        quantity=2,
        available=5,
        line_total=Money("80.00", "EUR"),
        flags=(),
    )
    assert [line.line_total for line in cart.lines] == [
        Money("80.00", "EUR"),
        Money("37.50", "EUR"),
    ]
    assert (cart.customer_id, cart.currency, cart.item_count) == (7, "EUR", 5)
    assert cart.subtotal == Money("117.50", "EUR")
    assert cart.checkout_ready is True


def test_a_price_change_is_flagged_and_the_new_price_applies(lamp):
    services.cart_add(owner=OWNER, product_id=lamp.pk, quantity=2)
    Product.objects.filter(pk=lamp.pk).update(price=Decimal("35.00"))

    (line,) = priced().lines

    assert line.flags == (LineFlag.PRICE_CHANGED,)
    assert (line.unit_price, line.added_price) == (Money("35.00", "EUR"), Money("40.00", "EUR"))
    assert line.line_total == Money("70.00", "EUR")
    assert priced().checkout_ready is True  # a new price informs, it does not block


def test_fewer_left_than_stored_shows_the_capped_quantity_and_keeps_the_stored_one(lamp):
    services.cart_add(owner=OWNER, product_id=lamp.pk, quantity=4)
    Stock.objects.filter(pk=lamp.pk).update(on_hand=3)

    cart = priced()

    (line,) = cart.lines
    assert (line.quantity, line.available, line.flags) == (3, 3, (LineFlag.CAPPED,))
    assert (line.line_total, cart.subtotal, cart.item_count) == (
        Money("120.00", "EUR"), Money("120.00", "EUR"), 3,
    )  # fmt: skip
    assert cart.checkout_ready is True
    Stock.objects.filter(pk=lamp.pk).update(on_hand=10)
    assert priced().lines[0].quantity == 4  # the stock came back: so did the line


@pytest.mark.parametrize(
    ("update", "flag"),
    [
        ({"is_active": False}, LineFlag.INACTIVE),
        ({"on_hand": 0}, LineFlag.SOLD_OUT),
    ],
)
def test_an_unavailable_line_blocks_the_checkout_and_adds_nothing(lamp, mug, update, flag):
    services.cart_add(owner=OWNER, product_id=lamp.pk, quantity=2)
    services.cart_add(owner=OWNER, product_id=mug.pk, quantity=1)
    if "on_hand" in update:
        Stock.objects.filter(pk=lamp.pk).update(**update)
    else:
        Product.objects.filter(pk=lamp.pk).update(**update)

    cart = priced()

    blocked, fine = cart.lines
    assert (blocked.flags, blocked.quantity, blocked.line_total) == (
        (flag,), 2, Money("0.00", "EUR"),
    )  # fmt: skip
    assert fine.flags == ()
    assert (cart.subtotal, cart.item_count, cart.checkout_ready) == (
        Money("12.50", "EUR"), 1, False,
    )  # fmt: skip


def test_a_sold_out_line_with_a_new_price_carries_both_flags(lamp):
    services.cart_add(owner=OWNER, product_id=lamp.pk)
    Product.objects.filter(pk=lamp.pk).update(price=Decimal("41.00"))
    Stock.objects.filter(pk=lamp.pk).update(on_hand=0)

    assert priced().lines[0].flags == (LineFlag.SOLD_OUT, LineFlag.PRICE_CHANGED)


def test_a_product_deleted_from_the_catalog_stays_as_a_blocking_line(lamp, mug):
    services.cart_add(owner=OWNER, product_id=lamp.pk, quantity=2)
    services.cart_add(owner=OWNER, product_id=mug.pk)
    lamp_id = lamp.pk
    Product.objects.filter(pk=lamp_id).delete()

    cart = priced()

    gone = cart.lines[0]
    assert gone == CartLineDTO(
        product_id=lamp_id,
        sku="",
        name=GONE_NAME,
        slug="",
        image_url=None,
        unit_price=Money("40.00", "EUR"),
        added_price=Money("40.00", "EUR"),
        quantity=2,
        available=0,
        line_total=Money("0.00", "EUR"),
        flags=(LineFlag.INACTIVE,),
    )
    assert (cart.subtotal, cart.checkout_ready) == (Money("12.50", "EUR"), False)


def test_a_line_in_another_currency_blocks_instead_of_being_added_up(lamp):
    dollars = ProductFactory(price=Decimal("5.00"), currency="USD")
    services.cart_add(owner=OWNER, product_id=lamp.pk)
    services.cart_add(owner=OWNER, product_id=dollars.pk)

    cart = priced()

    assert cart.currency == "EUR"
    assert cart.lines[1].flags == (LineFlag.INACTIVE,)
    assert (cart.subtotal, cart.checkout_ready) == (Money("40.00", "EUR"), False)


def test_an_empty_cart_uses_the_shop_currency_and_cannot_check_out(settings):
    settings.CATALOG_CURRENCY = "CHF"

    cart = selectors.cart_dto(None, customer_id=3)

    assert (cart.id, cart.customer_id, cart.lines, cart.item_count) == ("", 3, (), 0)
    assert (cart.currency, cart.subtotal, cart.checkout_ready) == ("CHF", Money("0", "CHF"), False)


def test_a_stored_cart_without_lines_cannot_check_out():
    cart = CartFactory(customer_id=7)

    dto = priced()

    assert (dto.id, dto.lines, dto.checkout_ready) == (str(cart.pk), (), False)


def test_pricing_costs_the_same_queries_whatever_the_number_of_lines(django_assert_num_queries):
    cart = CartFactory(customer_id=7)
    for _ in range(12):
        CartLineFactory(cart=cart, product_id=ProductFactory().pk)

    with django_assert_num_queries(3):  # the cart, its lines, the catalog's products
        assert len(priced().lines) == 12


def test_the_header_count_adds_up_stored_quantities(lamp, mug, django_assert_num_queries):
    services.cart_add(owner=OWNER, product_id=lamp.pk, quantity=2)
    services.cart_add(owner=OWNER, product_id=mug.pk, quantity=3)

    with django_assert_num_queries(1):
        assert selectors.item_count(OWNER) == 5
    with django_assert_num_queries(0):
        assert selectors.item_count(Owner()) == 0
    assert selectors.item_count(Owner(customer_id=8)) == 0
