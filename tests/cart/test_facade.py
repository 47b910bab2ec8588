"""The cart contract as callers see it (through the registry): get, get by customer, clear."""

from __future__ import annotations

import pytest

from apps.cart import services
from apps.cart.models import Cart, CartLine
from apps.cart.selectors import Owner
from contracts.cart.dto import CartDTO
from contracts.cart.errors import CartNotFound
from contracts.cart.service import cart_service
from contracts.kernel import codec
from contracts.kernel.money import Money
from tests.cart.factories import stored

pytestmark = pytest.mark.django_db
UNKNOWN = "5f0c6a1e-8d4b-4c7e-9a55-0c2f7d3e9b11"  # fixed: xdist workers must collect the same ids


def test_get_cart_returns_the_priced_cart_that_crosses_http(lamp):
    change = services.cart_add(owner=Owner(), product_id=lamp.pk, quantity=2)

    cart = cart_service().get_cart(str(change.cart_id))

    assert (cart.id, cart.customer_id, cart.subtotal) == (
        str(change.cart_id), None, Money("80.00", "EUR"),
    )  # fmt: skip
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(lamp.pk, 2)]
    assert codec.loads(codec.dumps(cart, CartDTO), CartDTO) == cart


@pytest.mark.parametrize("cart_id", [UNKNOWN, "not-a-uuid", ""])
def test_get_cart_raises_cart_not_found_for_unknown_ids(cart_id):
    with pytest.raises(CartNotFound) as caught:
        cart_service().get_cart(cart_id)

    assert caught.value.code == "cart_not_found"
    assert Cart.objects.count() == 0


def test_get_customer_cart_returns_their_cart(lamp):
    services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk)

    cart = cart_service().get_customer_cart(7)

    assert cart.customer_id == 7
    assert cart.id == str(Cart.objects.get(customer_id=7).pk)
    assert cart.item_count == 1


def test_get_customer_cart_reads_the_lines_with_their_cart_in_one_query(
    lamp, mug, django_assert_num_queries
):
    services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk)
    services.cart_add(owner=Owner(customer_id=7), product_id=mug.pk, quantity=2)

    with django_assert_num_queries(2):  # the lines with their cart, the catalog's products
        cart = cart_service().get_customer_cart(7)

    assert (cart.id, cart.item_count) == (str(Cart.objects.get(customer_id=7).pk), 3)
    assert [line.product_id for line in cart.lines] == [lamp.pk, mug.pk]


def test_get_customer_cart_without_a_cart_is_empty_and_stores_nothing(django_assert_num_queries):
    # The lines with their cart (none), then the cart alone: a cart with lines costs one query.
    with django_assert_num_queries(2):
        cart = cart_service().get_customer_cart(7)

    assert (cart.id, cart.customer_id, cart.lines, cart.checkout_ready) == ("", 7, (), False)
    assert Cart.objects.count() == 0


def test_get_customer_cart_never_shows_someone_elses(lamp):
    services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk)
    services.cart_add(owner=Owner(), product_id=lamp.pk)

    assert cart_service().get_customer_cart(8).lines == ()


def test_clear_cart_empties_it_and_is_idempotent(lamp, mug):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk)
    services.cart_add(owner=owner, product_id=mug.pk)
    cart_id = cart_service().get_customer_cart(7).id

    cart_service().clear_cart(cart_id, "order MS-1")
    cart_service().clear_cart(cart_id, "order MS-1")

    assert stored(customer_id=7) == []
    assert cart_service().get_customer_cart(7).lines == ()


@pytest.mark.parametrize("cart_id", ["", "not-a-uuid", UNKNOWN])
def test_clear_cart_of_an_unknown_cart_changes_nothing_and_raises_nothing(lamp, cart_id):
    services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk)

    cart_service().clear_cart(cart_id, "order MS-1")

    assert CartLine.objects.count() == 1


def test_clear_cart_leaves_other_carts_alone(lamp):
    services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk)
    services.cart_add(owner=Owner(customer_id=8), product_id=lamp.pk, quantity=3)

    cart_service().clear_cart(cart_service().get_customer_cart(7).id, "order MS-1")

    assert stored(customer_id=8) == [(lamp.pk, 3)]


def test_health_reports_ok():
    health = cart_service().health()
    assert (health.service, health.ok) == ("cart", True)
