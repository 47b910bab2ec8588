"""The cart contract, kept by every binding (local, loopback, HTTP) and by the FakeCart that the
orders tests bind instead of the real cart.

A cart is filled the way each implementation is: the real one through the cart's own service
(`cart_add`), the fake through `put`. Then only contract methods are called; stock and prices
are changed through the catalog, which both price against.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from apps.cart import services
from apps.cart.selectors import Owner
from apps.catalog.models import Product
from apps.catalog.services.products import product_update, products_set_active
from contracts.cart.dto import CartDTO, CartLineDTO, CartMerge, LineFlag
from contracts.cart.errors import CartNotFound
from contracts.cart.service import VERSION
from contracts.catalog.dto import StockLine
from contracts.catalog.service import catalog_service
from contracts.kernel.money import Money
from contracts.kernel.registry import registry
from tests.catalog.factories import ProductFactory
from tests.contracts.conftest import implementations
from tests.orders.fakes import FakeCart

cart = implementations("cart", fake=FakeCart)
ADA, GRACE = 7, 8  # customer ids: the cart stores them, it does not look them up
UNKNOWN = "5f0c6a1e-8d4b-4c7e-9a55-0c2f7d3e9b11"  # fixed: xdist workers must collect the same ids


@pytest.fixture
def lamp(cart) -> Product:
    """After `cart`, which sets up the database its binding needs."""
    return ProductFactory(
        sku="LAMP-1", name="Brass lamp", slug="brass-lamp", price=Decimal("40.00"), stock=5
    )


@pytest.fixture
def mug(cart) -> Product:
    return ProductFactory(
        sku="MUG-1", name="Stoneware mug", slug="mug", price=Decimal("12.50"), stock=50
    )


def fill(cart, customer_id: int, *items: tuple[Product, int]) -> str:
    """Put `items` in the customer's cart as a shopper would; the cart's id."""
    for product, quantity in items:
        if isinstance(cart, FakeCart):
            cart.put(customer_id, product.pk, quantity)
        else:
            services.cart_add(
                owner=Owner(customer_id=customer_id), product_id=product.pk, quantity=quantity
            )
    return cart.get_customer_cart(customer_id).id


def take(product: Product, quantity: int) -> None:
    """Someone else's checkout holds `quantity` of the product."""
    catalog_service().reserve_stock((StockLine(product.pk, quantity),), f"other-{product.pk}", 600)


def line(product: Product, quantity: int, *, available: int, flags=(), total=None) -> CartLineDTO:
    price = Money(product.price, "EUR")
    return CartLineDTO(
        product_id=product.pk,
        sku=product.sku,
        name=product.name,
        slug=product.slug,
        image_url=None,
        unit_price=price,
        added_price=price,
        quantity=quantity,
        available=available,
        line_total=price * quantity if total is None else total,
        flags=tuple(flags),
    )


def test_health_names_the_service_and_its_contract_version(cart):
    health = cart.health()

    assert (health.service, health.version, health.ok) == ("cart", VERSION, True)


def test_a_customer_without_a_cart_gets_an_empty_one_with_no_id(cart, lamp):
    fill(cart, GRACE, (lamp, 1))

    assert cart.get_customer_cart(ADA) == CartDTO(
        id="",
        customer_id=ADA,
        currency=settings.CATALOG_CURRENCY,
        lines=(),
        item_count=0,
        subtotal=Money.zero(settings.CATALOG_CURRENCY),
        checkout_ready=False,
    )


def test_get_customer_cart_prices_every_line_exactly_in_the_order_added(cart, lamp, mug):
    fill(cart, ADA, (mug, 3), (lamp, 2))

    found = cart.get_customer_cart(ADA)

    assert found == CartDTO(
        id=found.id,
        customer_id=ADA,
        currency="EUR",
        lines=(line(mug, 3, available=50), line(lamp, 2, available=5)),
        item_count=5,
        subtotal=Money("117.50", "EUR"),
        checkout_ready=True,
    )
    assert found.id != ""
    assert (found.lines[0].line_total, str(found.subtotal.amount)) == (
        Money("37.50", "EUR"),
        "117.50",
    )


def test_get_customer_cart_never_shows_someone_elses(cart, lamp, mug):
    fill(cart, ADA, (lamp, 1))
    fill(cart, GRACE, (mug, 2))

    assert [(li.product_id, li.quantity) for li in cart.get_customer_cart(GRACE).lines] == [
        (mug.pk, 2)
    ]


def test_get_cart_answers_the_cart_by_its_id(cart, lamp, mug):
    cart_id = fill(cart, ADA, (lamp, 2))
    fill(cart, GRACE, (mug, 1))

    assert cart.get_cart(cart_id) == cart.get_customer_cart(ADA)


def test_get_cart_of_an_anonymous_cart_has_no_customer(cart, lamp):
    if isinstance(cart, FakeCart):
        pytest.skip("the fake holds customers' carts only: orders never reads an anonymous one")
    change = services.cart_add(owner=Owner(), product_id=lamp.pk, quantity=2)

    found = cart.get_cart(str(change.cart_id))

    assert (found.id, found.customer_id, found.lines) == (
        str(change.cart_id),
        None,
        (line(lamp, 2, available=5),),
    )


@pytest.mark.parametrize("cart_id", [UNKNOWN, "not-a-uuid", ""])
def test_get_cart_of_an_unknown_id_raises_cart_not_found(cart, lamp, cart_id):
    fill(cart, ADA, (lamp, 1))

    with pytest.raises(CartNotFound) as caught:
        cart.get_cart(cart_id)

    assert caught.value.details == {"cart_id": cart_id}


def test_every_read_prices_the_lines_at_the_catalogs_price_now(cart, lamp, mug):
    fill(cart, ADA, (lamp, 2), (mug, 1))
    product_update(product=lamp, price=Decimal("45.00"))

    found = cart.get_customer_cart(ADA)

    assert [(li.unit_price, li.line_total) for li in found.lines] == [
        (Money("45.00", "EUR"), Money("90.00", "EUR")),
        (Money("12.50", "EUR"), Money("12.50", "EUR")),
    ]
    assert (found.subtotal, found.checkout_ready) == (Money("102.50", "EUR"), True)


def test_a_moved_price_is_flagged_with_the_price_it_was_added_at(cart, lamp):
    if isinstance(cart, FakeCart):
        pytest.skip("the fake stores no price from the past: its lines cost what the catalog says")
    fill(cart, ADA, (lamp, 2))
    product_update(product=lamp, price=Decimal("45.00"))

    (found,) = cart.get_customer_cart(ADA).lines

    assert (found.added_price, found.unit_price, found.flags) == (
        Money("40.00", "EUR"),
        Money("45.00", "EUR"),
        (LineFlag.PRICE_CHANGED,),
    )


def test_a_line_no_longer_sold_is_flagged_inactive_and_blocks_the_checkout(cart, lamp, mug):
    fill(cart, ADA, (lamp, 2), (mug, 1))
    products_set_active(ids=[lamp.pk], active=False)

    found = cart.get_customer_cart(ADA)

    zero = Money.zero("EUR")
    assert found.lines[0] == line(lamp, 2, available=5, flags=[LineFlag.INACTIVE], total=zero)
    assert (found.item_count, found.subtotal, found.checkout_ready) == (
        1,
        Money("12.50", "EUR"),
        False,
    )


def test_a_line_sold_out_since_is_flagged_and_blocks_the_checkout(cart, lamp):
    fill(cart, ADA, (lamp, 2))
    take(lamp, 5)

    found = cart.get_customer_cart(ADA)

    zero = Money.zero("EUR")
    assert found.lines == (line(lamp, 2, available=0, flags=[LineFlag.SOLD_OUT], total=zero),)
    assert (found.item_count, found.subtotal, found.checkout_ready) == (0, zero, False)


def test_a_line_holding_more_than_is_left_is_capped_at_what_is_left(cart, lamp):
    fill(cart, ADA, (lamp, 3))
    take(lamp, 4)

    found = cart.get_customer_cart(ADA)

    assert found.lines == (line(lamp, 1, available=1, flags=[LineFlag.CAPPED]),)
    assert (found.item_count, found.subtotal, found.checkout_ready) == (
        1,
        Money("40.00", "EUR"),
        True,
    )


def test_clear_cart_empties_the_cart_and_twice_changes_nothing(cart, lamp, mug):
    cart_id = fill(cart, ADA, (lamp, 2), (mug, 1))

    cart.clear_cart(cart_id, "order MS-1")
    cart.clear_cart(cart_id, "order MS-1")

    emptied = cart.get_cart(cart_id)
    assert (emptied.id, emptied.lines, emptied.item_count, emptied.checkout_ready) == (
        cart_id,
        (),
        0,
        False,
    )
    assert cart.get_customer_cart(ADA).lines == ()


def test_clear_cart_leaves_other_carts_alone(cart, lamp, mug):
    cart_id = fill(cart, ADA, (lamp, 1))
    fill(cart, GRACE, (mug, 3))

    cart.clear_cart(cart_id, "order MS-1")

    assert [(li.product_id, li.quantity) for li in cart.get_customer_cart(GRACE).lines] == [
        (mug.pk, 3)
    ]


@pytest.mark.parametrize("cart_id", ["", UNKNOWN, "not-a-uuid"])
def test_clear_cart_of_an_empty_or_unknown_cart_changes_nothing_and_raises_nothing(
    cart, lamp, cart_id
):
    assert cart.get_customer_cart(GRACE).id == ""  # what a caller holds for an empty cart
    fill(cart, ADA, (lamp, 2))

    cart.clear_cart(cart_id, "order MS-1")

    assert [(li.product_id, li.quantity) for li in cart.get_customer_cart(ADA).lines] == [
        (lamp.pk, 2)
    ]


class NoCatalog:
    """A catalog that must not be asked: counting a cart prices nothing."""

    def __getattr__(self, name):
        raise AssertionError(f"item_count asked the catalog for {name}")


def test_item_count_adds_up_the_stored_quantities_without_asking_the_catalog(cart, lamp, mug):
    ada = fill(cart, ADA, (lamp, 3), (mug, 2))
    fill(cart, GRACE, (mug, 1))
    take(lamp, 4)  # one lamp left: the priced cart caps its line

    with registry.override("catalog", NoCatalog()):
        counts = [
            cart.item_count(customer_id=ADA),
            cart.item_count(customer_id=GRACE),
            cart.item_count(customer_id=99),
            cart.item_count(customer_id=ADA, cart_id=UNKNOWN),  # the customer's, whatever the id
        ]
        by_id = [cart.item_count(cart_id=cid) for cid in (ada, UNKNOWN, "not-a-uuid", "")]

    assert counts == [5, 1, 0, 5]
    assert by_id == [0, 0, 0, 0]  # a customer's cart is never counted by its id; no cart is 0
    assert cart.item_count() == 0
    assert cart.get_customer_cart(ADA).item_count == 3  # what can be bought now: 1 lamp, 2 mugs


def test_merge_cart_moves_an_anonymous_cart_into_the_customers_once(cart, lamp, mug):
    if isinstance(cart, FakeCart):
        pytest.skip("the fake holds customers' carts only: there is no anonymous cart to merge")
    gone = ProductFactory(sku="VASE-1", name="Glass vase", slug="vase", stock=3)
    fill(cart, ADA, (lamp, 3))
    anonymous = services.cart_add(owner=Owner(), product_id=lamp.pk, quantity=4).cart_id
    for product, quantity in ((mug, 2), (gone, 1)):
        services.cart_add(owner=Owner(cart_id=anonymous), product_id=product.pk, quantity=quantity)
    products_set_active(ids=[gone.pk], active=False)
    assert cart.item_count(cart_id=str(anonymous)) == 7

    merged = cart.merge_cart(str(anonymous), ADA)
    again = cart.merge_cart(str(anonymous), ADA)

    assert (merged, merged.changed) == (CartMerge(added=2, capped=1, dropped=1), True)
    assert (again, again.changed) == (CartMerge(), False)
    assert [(li.product_id, li.quantity) for li in cart.get_customer_cart(ADA).lines] == [
        (lamp.pk, 5),  # 3 + 4, capped at the 5 on the shelf
        (mug.pk, 2),
    ]
    assert (cart.item_count(cart_id=str(anonymous)), cart.item_count(customer_id=ADA)) == (0, 7)


def test_merge_cart_of_a_customers_or_an_unknown_cart_merges_nothing(cart, mug):
    grace = fill(cart, GRACE, (mug, 2))

    merged = [cart.merge_cart(cart_id, ADA) for cart_id in (grace, UNKNOWN, "not-a-uuid", "")]

    assert merged == [CartMerge()] * 4
    assert [(li.product_id, li.quantity) for li in cart.get_customer_cart(GRACE).lines] == [
        (mug.pk, 2)
    ]
    assert (cart.get_customer_cart(ADA).lines, cart.item_count(customer_id=ADA)) == ((), 0)
