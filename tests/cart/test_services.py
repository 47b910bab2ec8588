"""Cart writes: add, set, remove, empty; caps, refusals, and that a refusal changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.cart import services
from apps.cart.models import Cart, CartLine
from apps.cart.selectors import Owner
from apps.catalog.models import Product, Stock
from contracts.cart.errors import CartLineNotFound, ProductUnavailable, QuantityOutOfRange
from contracts.catalog.errors import ProductNotFound
from tests.cart.factories import anonymous, only_cart, stored

pytestmark = pytest.mark.django_db


def test_adding_creates_a_cart_and_a_line_at_todays_price(lamp):
    change = services.cart_add(owner=anonymous(), product_id=lamp.pk, quantity=2)

    cart = only_cart()
    assert (change.cart_id, change.quantity, change.created, change.capped) == (
        cart.pk, 2, True, False,
    )  # fmt: skip
    assert cart.customer_id is None
    line = CartLine.objects.get()
    assert (line.product_id, line.quantity, line.added_price, line.added_currency) == (
        lamp.pk, 2, Decimal("40.00"), "EUR",
    )  # fmt: skip
    assert change.message() == "Added 2 × Brass lamp to your cart."


def test_adding_again_adds_up_on_the_same_line(lamp, mug):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk, quantity=1)
    services.cart_add(owner=owner, product_id=mug.pk, quantity=3)

    change = services.cart_add(owner=owner, product_id=lamp.pk, quantity=2)

    assert (change.previous, change.quantity, change.created) == (1, 3, False)
    assert stored(customer_id=7) == [(lamp.pk, 3), (mug.pk, 3)]
    assert Cart.objects.count() == 1


def test_an_anonymous_owner_keeps_adding_to_the_same_cart(lamp):
    first = services.cart_add(owner=anonymous(), product_id=lamp.pk)
    again = services.cart_add(owner=Owner(cart_id=first.cart_id), product_id=lamp.pk)

    assert again.cart_id == first.cart_id
    assert stored(cart_id=first.cart_id) == [(lamp.pk, 2)]


def test_asking_for_more_than_is_left_caps_the_line_and_says_so(lamp):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk, quantity=4)

    change = services.cart_add(owner=owner, product_id=lamp.pk, quantity=3)

    assert (change.wanted, change.quantity, change.capped) == (7, 5, True)
    assert change.message() == "Only 5 left of Brass lamp: your cart holds 5."
    assert stored(customer_id=7) == [(lamp.pk, 5)]


def test_a_line_never_holds_more_than_99(mug):
    Stock.objects.filter(pk=mug.pk).update(on_hand=500)
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=mug.pk, quantity=90)

    change = services.cart_add(owner=owner, product_id=mug.pk, quantity=20)

    assert (change.quantity, change.capped) == (99, True)
    assert change.message() == "At most 99 per line of Stoneware mug: your cart holds 99."


@pytest.mark.parametrize("quantity", [0, -1, 100])
def test_an_out_of_range_quantity_is_refused_and_nothing_is_stored(lamp, quantity):
    with pytest.raises(QuantityOutOfRange) as caught:
        services.cart_add(owner=anonymous(), product_id=lamp.pk, quantity=quantity)

    assert caught.value.details == {"quantity": quantity, "minimum": 1, "maximum": 99}
    assert (Cart.objects.count(), CartLine.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("change", "reason", "message"),
    [
        ({"is_active": False}, "inactive", "Brass lamp is no longer sold."),
        ({"stock": 0}, "sold_out", "Brass lamp is sold out."),
    ],
)
def test_an_inactive_or_sold_out_product_cannot_be_added(lamp, change, reason, message):
    if "stock" in change:
        Stock.objects.filter(pk=lamp.pk).update(on_hand=0)
    else:
        Product.objects.filter(pk=lamp.pk).update(**change)

    with pytest.raises(ProductUnavailable) as caught:
        services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk)

    assert caught.value.message == message
    assert caught.value.details == {"product_id": lamp.pk, "reason": reason}
    assert (Cart.objects.count(), CartLine.objects.count()) == (0, 0)


def test_an_unknown_product_is_not_found_and_nothing_is_stored():
    with pytest.raises(ProductNotFound) as caught:
        services.cart_add(owner=anonymous(), product_id=999_999)

    assert caught.value.status == 404
    assert (Cart.objects.count(), CartLine.objects.count()) == (0, 0)


def test_setting_a_quantity_replaces_it_and_refreshes_the_added_price(lamp):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk, quantity=1)
    Product.objects.filter(pk=lamp.pk).update(price=Decimal("45.00"))

    change = services.cart_set_quantity(owner=owner, product_id=lamp.pk, quantity=3)

    assert (change.previous, change.quantity, change.capped) == (1, 3, False)
    assert change.message() == "Brass lamp: your cart now holds 3."
    line = CartLine.objects.get()
    assert (line.quantity, line.added_price) == (3, Decimal("45.00"))


def test_setting_more_than_is_left_caps_it(lamp):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk)

    change = services.cart_set_quantity(owner=owner, product_id=lamp.pk, quantity=9)

    assert (change.quantity, change.capped) == (5, True)
    assert stored(customer_id=7) == [(lamp.pk, 5)]


def test_setting_zero_removes_the_line(lamp, mug):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk)
    services.cart_add(owner=owner, product_id=mug.pk)

    change = services.cart_set_quantity(owner=owner, product_id=lamp.pk, quantity=0)

    assert change.message() == "Removed Brass lamp from your cart."
    assert stored(customer_id=7) == [(mug.pk, 1)]


@pytest.mark.parametrize("quantity", [-1, 100])
def test_setting_an_out_of_range_quantity_changes_nothing(lamp, quantity):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk, quantity=2)

    with pytest.raises(QuantityOutOfRange):
        services.cart_set_quantity(owner=owner, product_id=lamp.pk, quantity=quantity)

    assert stored(customer_id=7) == [(lamp.pk, 2)]


def test_setting_a_product_that_is_not_in_the_cart_is_refused(lamp, mug):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk)

    with pytest.raises(CartLineNotFound):
        services.cart_set_quantity(owner=owner, product_id=mug.pk, quantity=2)
    with pytest.raises(CartLineNotFound):
        services.cart_set_quantity(owner=anonymous(), product_id=lamp.pk, quantity=2)

    assert stored(customer_id=7) == [(lamp.pk, 1)]
    assert Cart.objects.count() == 1


def test_a_line_whose_product_sold_out_can_only_be_removed(lamp):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk, quantity=2)
    Stock.objects.filter(pk=lamp.pk).update(on_hand=0)

    with pytest.raises(ProductUnavailable):
        services.cart_set_quantity(owner=owner, product_id=lamp.pk, quantity=1)
    assert stored(customer_id=7) == [(lamp.pk, 2)]

    services.cart_remove(owner=owner, product_id=lamp.pk)
    assert stored(customer_id=7) == []


def test_removing_a_line_of_a_deleted_product_works(lamp):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk)
    Product.objects.filter(pk=lamp.pk).delete()

    change = services.cart_remove(owner=owner, product_id=lamp.pk)

    assert change.message() == "Removed the item from your cart."
    assert stored(customer_id=7) == []


def test_removing_what_is_not_there_is_refused_and_changes_nothing(lamp, mug):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk)

    with pytest.raises(CartLineNotFound) as caught:
        services.cart_remove(owner=owner, product_id=mug.pk)

    assert caught.value.details == {"product_id": mug.pk}
    assert stored(customer_id=7) == [(lamp.pk, 1)]


def test_emptying_removes_every_line_and_is_idempotent(lamp, mug):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk)
    services.cart_add(owner=owner, product_id=mug.pk)

    assert services.cart_empty(owner=owner) == 2
    assert services.cart_empty(owner=owner) == 0
    assert services.cart_empty(owner=anonymous()) == 0
    assert stored(customer_id=7) == []
    assert Cart.objects.count() == 1  # the customer's cart stays, empty


def test_emptying_one_cart_leaves_the_others_alone(lamp):
    mine, theirs = Owner(customer_id=7), Owner(customer_id=8)
    services.cart_add(owner=mine, product_id=lamp.pk)
    services.cart_add(owner=theirs, product_id=lamp.pk, quantity=2)

    services.cart_empty(owner=mine)

    assert stored(customer_id=8) == [(lamp.pk, 2)]


def test_an_anonymous_owner_never_reaches_a_customers_cart(lamp):
    services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk)
    customer_cart = only_cart()

    sneaky = Owner(cart_id=customer_cart.pk)  # a customer's cart id planted in a session
    with pytest.raises(CartLineNotFound):
        services.cart_remove(owner=sneaky, product_id=lamp.pk)
    change = services.cart_add(owner=sneaky, product_id=lamp.pk)

    assert change.cart_id != customer_cart.pk  # a new anonymous cart, not the customer's
    assert stored(customer_id=7) == [(lamp.pk, 1)]


def test_a_line_with_a_racing_insert_adds_up_instead_of_failing(lamp, monkeypatch):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk, quantity=1)
    real_first_read, real_line = services._cart_with_line, services._line
    retries = []

    def stale_first_read(owner, product_id):
        cart, _ = real_first_read(owner, product_id)
        return cart, None  # read before the racing request inserted the line

    def retry_read(cart, product_id, **kwargs):
        retries.append(kwargs)
        return real_line(cart, product_id, **kwargs)

    monkeypatch.setattr(services, "_cart_with_line", stale_first_read)
    monkeypatch.setattr(services, "_line", retry_read)

    change = services.cart_add(owner=owner, product_id=lamp.pk, quantity=2)

    assert (change.previous, change.quantity) == (1, 3)
    assert retries == [{"lock": True}]  # the retry holds the row lock
    assert stored(customer_id=7) == [(lamp.pk, 3)]


def test_an_update_that_lost_a_race_is_retried_on_fresh_data(lamp, monkeypatch):
    owner = Owner(customer_id=7)
    services.cart_add(owner=owner, product_id=lamp.pk, quantity=1)
    real_first_read = services._cart_with_line

    def someone_else_adds_first(owner, product_id):
        cart, line = real_first_read(owner, product_id)
        # read 1, then another request makes it 2 before our update
        CartLine.objects.filter(pk=line.pk).update(quantity=2)
        return cart, line

    monkeypatch.setattr(services, "_cart_with_line", someone_else_adds_first)

    change = services.cart_add(owner=owner, product_id=lamp.pk, quantity=1)

    assert (change.previous, change.quantity) == (2, 3)  # not 2: no lost update
    assert stored(customer_id=7) == [(lamp.pk, 3)]
