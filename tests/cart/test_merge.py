"""Signing in merges the anonymous cart into the customer's one: quantities add up, capped at
what is left, once; done by the middleware on the first request after signing in (no signal)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.messages import get_messages

from apps.cart import services
from apps.cart.models import Cart
from apps.cart.results import merge_message
from apps.cart.selectors import Owner
from apps.catalog.models import Product, Stock
from contracts.cart.dto import CartMerge
from tests.accounts.factories import PASSWORD
from tests.cart.factories import stored
from tests.microstore.remotes import bound_to, dead_url

pytestmark = pytest.mark.django_db


def anonymous_cart(*lines):
    owner = Owner()
    cart_id = None
    for product, quantity in lines:
        cart_id = services.cart_add(owner=owner, product_id=product.pk, quantity=quantity).cart_id
        owner = Owner(cart_id=cart_id)
    return cart_id


def test_merging_adds_up_caps_and_deletes_the_anonymous_cart(lamp, mug):
    services.cart_add(owner=Owner(customer_id=7), product_id=lamp.pk, quantity=3)
    cart_id = anonymous_cart((lamp, 4), (mug, 2))

    result = services.cart_merge(cart_id=cart_id, customer_id=7)

    assert result == CartMerge(added=2, capped=1, dropped=0)
    assert merge_message(result) == (
        "2 items from your earlier visit were added to your cart; 1 was capped at what is left."
    )
    assert stored(customer_id=7) == [(lamp.pk, 5), (mug.pk, 2)]
    assert list(Cart.objects.values_list("customer_id", flat=True)) == [7]


def test_merging_into_a_customer_without_a_cart_creates_it(lamp):
    cart_id = anonymous_cart((lamp, 2))

    result = services.cart_merge(cart_id=cart_id, customer_id=7)

    assert result == CartMerge(added=1)
    assert merge_message(result) == "1 item from your earlier visit was added to your cart."
    assert stored(customer_id=7) == [(lamp.pk, 2)]


def test_lines_no_longer_for_sale_are_left_behind(lamp, mug):
    cart_id = anonymous_cart((lamp, 1), (mug, 1))
    Product.objects.filter(pk=lamp.pk).update(is_active=False)
    Stock.objects.filter(pk=mug.pk).update(on_hand=0)

    result = services.cart_merge(cart_id=cart_id, customer_id=7)

    assert result == CartMerge(added=0, capped=0, dropped=2)
    assert merge_message(result) == "2 items from your earlier visit are no longer available."
    assert stored(customer_id=7) == []
    assert Cart.objects.count() == 0


def test_merging_twice_adds_once(lamp):
    cart_id = anonymous_cart((lamp, 2))

    services.cart_merge(cart_id=cart_id, customer_id=7)
    second = services.cart_merge(cart_id=cart_id, customer_id=7)

    assert (second, second.changed) == (CartMerge(), False)
    assert stored(customer_id=7) == [(lamp.pk, 2)]


def test_a_customers_cart_is_never_merged_into_another(lamp):
    services.cart_add(owner=Owner(customer_id=8), product_id=lamp.pk)
    theirs = Cart.objects.get(customer_id=8)

    result = services.cart_merge(cart_id=theirs.pk, customer_id=7)

    assert result == CartMerge()
    assert stored(customer_id=8) == [(lamp.pk, 1)]
    assert stored(customer_id=7) == []


def test_signing_in_through_the_login_page_merges_with_a_message(client, customer, lamp, mug):
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 9})
    client.post("/cart/add/", {"product_id": mug.pk, "quantity": 2})
    client.get("/cart/")  # shows the "added" messages
    services.cart_add(owner=Owner(customer_id=customer.pk), product_id=lamp.pk, quantity=1)

    login = client.post("/accounts/login/", {"login": customer.email, "password": PASSWORD})
    response = client.get(login["Location"])

    assert [str(m) for m in response.context["messages"]] == [
        "Successfully signed in as ada@example.com.",
        "2 items from your earlier visit were added to your cart; 1 was capped at what is left.",
    ]
    assert "cart_id" not in client.session
    assert stored(customer_id=customer.pk) == [(lamp.pk, 5), (mug.pk, 2)]
    assert Cart.objects.count() == 1
    assert client.get("/cart/count/").content == b"7"


def test_one_request_after_client_login_merges(client, customer, lamp):
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 2})
    client.login(username=customer.email, password=PASSWORD)

    response = client.get("/cart/count/")

    assert response.content == b"2"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Added 2 × Brass lamp to your cart.",
        "1 item from your earlier visit was added to your cart.",
    ]
    assert "cart_id" not in client.session


def test_a_signed_in_customer_without_an_anonymous_cart_gets_no_message(client, customer, lamp):
    services.cart_add(owner=Owner(customer_id=customer.pk), product_id=lamp.pk)
    client.force_login(customer)

    response = client.get("/cart/")

    assert list(response.context["messages"]) == []
    assert stored(customer_id=customer.pk) == [(lamp.pk, 1)]


def test_an_empty_or_stale_session_cart_is_dropped_quietly(client, customer, lamp):
    client.force_login(customer)
    session = client.session
    session["cart_id"] = str(uuid.uuid4())
    session.save()

    response = client.get("/cart/")

    assert list(response.context["messages"]) == []
    assert "cart_id" not in client.session
    assert Cart.objects.count() == 0


def test_a_garbled_session_cart_id_is_dropped(client, customer):
    client.force_login(customer)
    session = client.session
    session["cart_id"] = "not a uuid"
    session.save()

    client.get("/cart/")

    assert "cart_id" not in client.session


def test_signing_out_leaves_the_customers_cart_and_starts_an_empty_one(client, customer, lamp):
    client.force_login(customer)
    client.post("/cart/add/", {"product_id": lamp.pk})

    client.post("/accounts/logout/")

    assert client.get("/cart/count/").content == b"0"
    assert stored(customer_id=customer.pk) == [(lamp.pk, 1)]


def test_with_the_cart_down_the_merge_waits_and_happens_once_it_answers(client, customer, lamp):
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 2})
    client.force_login(customer)

    with bound_to("cart", dead_url()):
        page = client.get("/p/brass-lamp/")

    assert page.status_code == 200
    assert [str(m) for m in page.context["messages"]] == ["Added 2 × Brass lamp to your cart."]
    assert "cart_id" in client.session  # kept for the next request
    assert stored(customer_id=customer.pk) == []
    assert client.get("/cart/count/").content == b"2"  # merged now
    assert "cart_id" not in client.session
    assert stored(customer_id=customer.pk) == [(lamp.pk, 2)]


@pytest.mark.django_db(transaction=True)  # the live server's threads see committed rows only
def test_with_the_cart_in_another_process_signing_in_merges_through_its_contract(
    client, customer, lamp, live_server
):
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 2})
    client.force_login(customer)

    with bound_to("cart", live_server.url):
        page = client.get("/p/brass-lamp/")

    assert [str(m) for m in page.context["messages"]] == [
        "Added 2 × Brass lamp to your cart.",
        "1 item from your earlier visit was added to your cart.",
    ]
    assert "cart_id" not in client.session
    assert stored(customer_id=customer.pk) == [(lamp.pk, 2)]
    assert page.context["cart_count"] == 2  # asked of the cart's process too
