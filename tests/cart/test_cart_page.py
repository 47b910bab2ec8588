"""The cart page: empty, full and flagged; update, remove and empty, plain and with HTMX."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from apps.catalog.models import Product, Stock
from tests.cart.factories import only_cart, stored

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def filled(client, lamp, mug):
    """A shopper with 2 lamps and 3 mugs in their session cart."""
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 2})
    client.post("/cart/add/", {"product_id": mug.pk, "quantity": 3})
    client.get("/cart/")  # shows (and so drops) the messages of adding
    return client


def test_the_empty_cart_points_to_the_shop(client):
    response = client.get("/cart/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Your cart is empty" in content
    assert '<a class="button" href="/products/">Browse the shop</a>' in content
    assert "Checkout" not in content
    assert str(response.context["cart_count"]) == "0"


def test_the_full_cart_lists_lines_prices_and_the_subtotal(filled, lamp):
    response = filled.get("/cart/")

    content = response.content.decode()
    assert '<a href="/p/brass-lamp/">Brass lamp</a>' in content
    assert '<a href="/p/mug/">Stoneware mug</a>' in content
    assert f'id="qty-{lamp.pk}" type="number" name="quantity" value="2" min="0" max="5"' in content
    assert f'action="/cart/items/{lamp.pk}/"' in content
    assert f'action="/cart/items/{lamp.pk}/remove/"' in content
    assert "€80.00" in content
    assert "€37.50" in content
    assert "<dd>€117.50</dd>" in content
    assert '<a class="button cart-checkout" href="/checkout/">Checkout</a>' in content
    assert "was <s>" not in content
    assert response.context["cart"].item_count == 5
    assert 'hx-swap="innerHTML">5</span>' in content  # the header agrees


def test_a_changed_price_shows_what_it_was(filled, lamp):
    Product.objects.filter(pk=lamp.pk).update(price=Decimal("44.00"))

    content = filled.get("/cart/").content.decode()

    assert '<span class="cart-price-was">was <s>€40.00</s></span>' in content
    assert "The price went up since you added it." in content
    assert "<dd>€125.50</dd>" in content


def test_a_blocking_line_says_so_and_disables_the_checkout(filled, lamp):
    Stock.objects.filter(pk=lamp.pk).update(on_hand=0)

    content = filled.get("/cart/").content.decode()

    assert "Sold out. No longer available — remove it to check out" in content
    assert f'id="qty-{lamp.pk}"' not in content  # only removal is offered
    assert 'href="/checkout/"' not in content
    assert (
        '<button class="button cart-checkout" type="button" disabled '
        'aria-describedby="checkout-help">Checkout</button>'
    ) in content
    assert "<dd>€37.50</dd>" in content


def test_an_inactive_line_says_no_longer_available(filled, lamp):
    Product.objects.filter(pk=lamp.pk).update(is_active=False)

    content = filled.get("/cart/").content.decode()

    assert "No longer available — remove it to check out" in content
    assert "Sold out." not in content


def test_a_capped_line_explains_the_lower_quantity(filled, lamp):
    Stock.objects.filter(pk=lamp.pk).update(on_hand=1)

    content = filled.get("/cart/").content.decode()

    assert "Only 1 left — we lowered your quantity to 1." in content
    assert f'id="qty-{lamp.pk}" type="number" name="quantity" value="1"' in content


def test_updating_a_quantity_redirects_with_a_message(filled, lamp):
    response = filled.post(f"/cart/items/{lamp.pk}/", {"quantity": 4})

    assert (response.status_code, response["Location"]) == (302, "/cart/")
    assert texts(response) == ["Brass lamp: your cart now holds 4."]
    assert stored(cart_id=only_cart().pk)[0] == (lamp.pk, 4)


def test_updating_with_htmx_answers_the_cart_fragment_and_the_event(filled, lamp, mug):
    response = filled.post(f"/cart/items/{mug.pk}/", {"quantity": 1}, headers=HTMX)

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="cart" class="cart">')
    assert "<html" not in content
    assert '<p class="message message-success">Stoneware mug: your cart now holds 1.</p>' in content
    assert "<dd>€92.50</dd>" in content
    assert json.loads(response["HX-Trigger"]) == {"cart-changed": {}}


def test_updating_beyond_the_stock_caps_and_warns(filled, lamp):
    response = filled.post(f"/cart/items/{lamp.pk}/", {"quantity": 9}, headers=HTMX)

    assert (
        '<p class="message message-warning">Only 5 left of Brass lamp: your cart holds 5.</p>'
        in (response.content.decode())
    )
    assert stored(cart_id=only_cart().pk)[0] == (lamp.pk, 5)


@pytest.mark.parametrize(("quantity", "message"), [
    ("lots", "Choose a quantity from 0 to 99."),
    ("-1", "Choose a quantity from 0 to 99."),
    ("100", "Choose a quantity from 0 to 99."),
])  # fmt: skip
def test_a_bad_quantity_changes_nothing(filled, lamp, mug, quantity, message):
    response = filled.post(f"/cart/items/{lamp.pk}/", {"quantity": quantity}, headers=HTMX)

    assert f'<p class="message message-error">{message}</p>' in response.content.decode()
    assert "HX-Trigger" not in response
    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 2), (mug.pk, 3)]


def test_updating_to_zero_removes_the_line(filled, lamp, mug):
    filled.post(f"/cart/items/{lamp.pk}/", {"quantity": 0})
    assert stored(cart_id=only_cart().pk) == [(mug.pk, 3)]


def test_removing_a_line(filled, lamp, mug):
    response = filled.post(f"/cart/items/{lamp.pk}/remove/")

    assert texts(response) == ["Removed Brass lamp from your cart."]
    assert stored(cart_id=only_cart().pk) == [(mug.pk, 3)]


def test_removing_with_htmx_updates_the_fragment(filled, lamp, mug):
    response = filled.post(f"/cart/items/{lamp.pk}/remove/", headers=HTMX)

    content = response.content.decode()
    assert "Removed Brass lamp from your cart." in content
    assert "/p/brass-lamp/" not in content
    assert json.loads(response["HX-Trigger"]) == {"cart-changed": {}}


def test_removing_what_is_not_in_the_cart_says_so_and_changes_nothing(filled, lamp, mug):
    other = Product.objects.exclude(pk__in=[lamp.pk, mug.pk]).first()
    missing_id = other.pk if other else 999_999

    response = filled.post(f"/cart/items/{missing_id}/remove/")

    assert texts(response) == ["That product is not in your cart."]
    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 2), (mug.pk, 3)]


def test_emptying_the_cart(filled):
    response = filled.post("/cart/empty/", headers=HTMX)

    content = response.content.decode()
    assert "Your cart is empty now." in content
    assert "Your cart is empty</h2>" in content
    assert stored(cart_id=only_cart().pk) == []
    assert json.loads(response["HX-Trigger"]) == {"cart-changed": {}}


def test_emptying_an_empty_cart_changes_nothing(client):
    response = client.post("/cart/empty/")

    assert texts(response) == ["Your cart was already empty."]
    assert "cart_id" not in client.session


def test_cart_changes_need_a_post(filled, lamp):
    assert filled.get(f"/cart/items/{lamp.pk}/remove/").status_code == 405
    assert filled.get("/cart/empty/").status_code == 405
    assert stored(cart_id=only_cart().pk)[0] == (lamp.pk, 2)
