"""Adding from the product page: the form, a plain POST (redirect and message) and HTMX (the
confirmation swapped in place, and the `cart-changed` event for the header's count)."""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages

from apps.cart.models import Cart, CartLine
from apps.catalog.models import Product, Stock
from tests.cart.factories import only_cart, stored

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_product_page_offers_the_add_form(client, lamp):
    content = client.get("/p/brass-lamp/").content.decode()

    assert 'action="/cart/add/"' in content
    assert 'hx-post="/cart/add/"' in content
    assert f'name="product_id" value="{lamp.pk}"' in content
    assert 'name="next" value="/p/brass-lamp/"' in content
    assert 'max="5"' in content
    assert "Add to cart" in content


def test_a_sold_out_product_shows_a_disabled_button_and_no_form(client, lamp):
    Stock.objects.filter(pk=lamp.pk).update(on_hand=0)

    content = client.get("/p/brass-lamp/").content.decode()

    assert (
        '<button class="button add-to-cart-button" type="button" disabled>Out of stock</button>'
        in content
    )
    assert 'action="/cart/add/"' not in content


def test_a_plain_post_adds_and_redirects_to_the_cart_with_a_message(client, lamp):
    response = client.post(
        "/cart/add/", {"product_id": lamp.pk, "quantity": 2, "next": "/p/brass-lamp/"}
    )

    assert (response.status_code, response["Location"]) == (302, "/cart/")
    assert texts(response) == ["Added 2 × Brass lamp to your cart."]
    cart = only_cart()
    assert client.session["cart_id"] == str(cart.pk)
    assert stored(cart_id=cart.pk) == [(lamp.pk, 2)]


def test_a_missing_quantity_adds_one(client, lamp):
    client.post("/cart/add/", {"product_id": lamp.pk})
    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 1)]


def test_an_htmx_post_swaps_in_the_confirmation_and_triggers_the_count(client, lamp):
    response = client.post(
        "/cart/add/", {"product_id": lamp.pk, "next": "/p/brass-lamp/"}, headers=HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div class="add-to-cart" id="add-to-cart">')
    assert "<html" not in content
    assert "Added to cart ✓" in content
    assert '<a href="/cart/">View cart</a>' in content
    assert json.loads(response["HX-Trigger"]) == {"cart-changed": {}}
    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 1)]
    assert list(get_messages(response.wsgi_request)) == []  # said in place, not queued


def test_an_htmx_add_beyond_the_stock_says_it_was_capped(client, lamp):
    response = client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 9}, headers=HTMX)

    content = response.content.decode()
    assert "Added to cart ✓" in content
    assert "Only 5 left of Brass lamp: your cart holds 5." in content
    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 5)]


def test_a_capped_plain_add_warns(client, lamp):
    response = client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 8})
    assert texts(response) == ["Only 5 left of Brass lamp: your cart holds 5."]


def test_an_htmx_add_of_a_sold_out_product_says_so_and_stores_nothing(client, lamp):
    Stock.objects.filter(pk=lamp.pk).update(on_hand=0)

    response = client.post("/cart/add/", {"product_id": lamp.pk}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Brass lamp is sold out." in content
    assert "Out of stock</button>" in content
    assert "HX-Trigger" not in response
    assert (Cart.objects.count(), "cart_id" in client.session) == (0, False)


def test_adding_from_a_product_page_that_lags_behind_the_stock_is_checked_live(client, lamp):
    assert 'max="5"' in client.get("/p/brass-lamp/").content.decode()
    Stock.objects.filter(pk=lamp.pk).update(reserved=5)  # held by checkouts: no cache bump
    assert 'max="5"' in client.get("/p/brass-lamp/").content.decode()  # the page lags (seconds)

    response = client.post("/cart/add/", {"product_id": lamp.pk}, headers=HTMX)

    assert "Brass lamp is sold out." in response.content.decode()
    assert not CartLine.objects.exists()


def test_a_plain_add_of_an_inactive_product_goes_back_with_an_error(client, lamp):
    Product.objects.filter(pk=lamp.pk).update(is_active=False)

    response = client.post("/cart/add/", {"product_id": lamp.pk, "next": "/p/brass-lamp/"})

    assert (response.status_code, response["Location"]) == (302, "/p/brass-lamp/")
    assert texts(response) == ["Brass lamp is no longer sold."]
    assert Cart.objects.count() == 0


def test_an_error_never_redirects_off_the_site(client, lamp):
    Stock.objects.filter(pk=lamp.pk).update(on_hand=0)

    response = client.post("/cart/add/", {"product_id": lamp.pk, "next": "https://evil.example/"})

    assert response["Location"] == "/cart/"


@pytest.mark.parametrize("product_id", ["999999", "abc", ""])
def test_adding_an_unknown_product_is_a_404_and_stores_nothing(client, product_id):
    response = client.post("/cart/add/", {"product_id": product_id})

    assert response.status_code == 404
    assert Cart.objects.count() == 0


@pytest.mark.parametrize("quantity", ["0", "100", "lots"])
def test_a_bad_quantity_is_refused_with_a_message(client, lamp, quantity):
    response = client.post(
        "/cart/add/", {"product_id": lamp.pk, "quantity": quantity, "next": "/p/brass-lamp/"}
    )

    assert response["Location"] == "/p/brass-lamp/"
    assert texts(response) == ["Choose a quantity from 1 to 99."]
    assert CartLine.objects.count() == 0


def test_adding_needs_a_post(client, lamp):
    assert client.get("/cart/add/", {"product_id": lamp.pk}).status_code == 405
    assert Cart.objects.count() == 0


def test_adding_without_the_csrf_token_is_refused(lamp):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/cart/add/", {"product_id": lamp.pk})

    assert response.status_code == 403
    assert Cart.objects.count() == 0


def test_a_signed_in_customer_adds_to_their_own_cart_without_a_session_key(client, customer, lamp):
    client.force_login(customer)

    client.post("/cart/add/", {"product_id": lamp.pk})

    assert stored(customer_id=customer.pk) == [(lamp.pk, 1)]
    assert "cart_id" not in client.session


def test_the_header_shows_the_count_and_refetches_it_on_cart_changed(client, lamp):
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 3})

    content = client.get("/products/").content.decode()

    assert (
        '<span class="visually-hidden">Cart, </span><span id="cart-count" class="cart-count" '
        'hx-get="/cart/count/" hx-trigger="cart-changed from:body" hx-swap="innerHTML">3</span>'
        '<span class="visually-hidden" data-cart-unit> items</span>'
    ) in content  # named "Cart, 3 items": the name holds the number the link shows
    assert '<a class="cart-link" href="/cart/">' in content
    assert client.get("/cart/count/").content == b"3"


def test_another_session_never_sees_this_cart(client, lamp):
    from django.test import Client

    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 3})
    stranger = Client()

    assert stranger.get("/cart/count/").content == b"0"
    assert "Your cart is empty" in stranger.get("/cart/").content.decode()
    assert stranger.post(f"/cart/items/{lamp.pk}/remove/").status_code == 302
    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 3)]
