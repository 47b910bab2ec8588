"""A signed-out shopper who clicks Checkout is told why they must sign in, and their cart is
still there once they have signed in or up: end to end, through the pages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail

from apps.cart.models import Cart
from tests.accounts.factories import PASSWORD, UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db

WHY = "Sign in or create an account to check out; your cart is kept."


@pytest.fixture
def lamp(db):
    return ProductFactory(name="Desk lamp", sku="LAMP-1", price=Decimal("79.00"), stock=4)


def add_to_cart_signed_out(client, product) -> None:
    response = client.post("/cart/add/", {"product_id": product.pk, "quantity": 2})
    assert response.status_code == 302


def click_checkout(client):
    response = client.get("/checkout/", follow=True)
    assert response.redirect_chain == [("/accounts/login/?next=/checkout/", 302)]
    return response


def test_checkout_while_signed_out_says_why_on_the_sign_in_page(client, lamp):
    add_to_cart_signed_out(client, lamp)

    page = click_checkout(client).content.decode()

    assert WHY in page
    assert 'href="/accounts/signup/?next=%2Fcheckout%2F"' in page


def test_the_sign_up_page_on_the_way_to_checkout_says_it_too(client):
    assert WHY in client.get("/accounts/signup/?next=/checkout/").content.decode()


def test_signing_in_for_another_reason_says_nothing_about_checkout(client):
    assert WHY not in client.get("/accounts/login/").content.decode()
    assert WHY not in client.get("/accounts/login/?next=/account/").content.decode()
    assert WHY not in client.get("/accounts/signup/").content.decode()


def test_a_failed_sign_in_on_the_way_to_checkout_still_says_why(client):
    response = client.post(
        "/accounts/login/?next=/checkout/", {"login": "nobody@example.com", "password": "wrong"}
    )

    assert response.status_code == 200
    assert WHY in response.content.decode()


def test_signing_in_goes_on_to_checkout_with_the_cart(client, lamp):
    shopper = UserFactory(email="ada@example.com")
    add_to_cart_signed_out(client, lamp)
    click_checkout(client)

    response = client.post(
        "/accounts/login/?next=/checkout/",
        {"login": "ada@example.com", "password": PASSWORD, "next": "/checkout/"},
        follow=True,
    )

    assert response.redirect_chain == [("/checkout/", 302)]
    page = response.content.decode()
    assert "<h1>Checkout</h1>" in page
    assert "2 × Desk lamp" in page
    assert "€158.00" in page
    assert list(Cart.objects.values_list("customer_id", flat=True)) == [shopper.pk]


def test_signing_up_goes_on_to_checkout_with_the_cart(client, lamp, drain_tasks):
    add_to_cart_signed_out(client, lamp)
    click_checkout(client)

    passwords = {"password1": PASSWORD, "password2": PASSWORD}
    signed_up = client.post(
        "/accounts/signup/?next=/checkout/",
        {"email": "new@example.com", **passwords, "next": "/checkout/"},
    )
    assert signed_up.status_code == 302
    drain_tasks()  # the verification email goes through the task queue
    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    confirmed = client.post(link.group(1), follow=True)

    assert confirmed.redirect_chain[-1] == ("/checkout/", 302)
    page = confirmed.content.decode()
    assert "<h1>Checkout</h1>" in page
    assert "2 × Desk lamp" in page
    assert Cart.objects.get().customer_id is not None
