"""Carts in the admin: a read-only list and each cart's lines, for support staff."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.cart.models import Cart, CartLine
from tests.cart.factories import CartFactory, CartLineFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/cart/cart/"


@pytest.fixture
def carts(lamp, mug):
    theirs = CartFactory(customer_id=42)
    CartLineFactory(cart=theirs, product_id=lamp.pk, quantity=2)
    CartLineFactory(cart=theirs, product_id=mug.pk, quantity=3, added_price=Decimal("12.50"))
    anonymous = CartFactory()
    CartLineFactory(cart=anonymous, product_id=lamp.pk, quantity=1)
    return theirs, anonymous


def test_the_list_shows_customer_item_count_and_last_change(admin_client, carts):
    theirs, anonymous = carts

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    rows = {cart.pk: (cart.customer_id, cart.items) for cart in response.context["cl"].result_list}
    assert rows == {theirs.pk: (42, 5), anonymous.pk: (None, 1)}
    content = response.content.decode()
    assert "Add cart" not in content
    assert 'name="action"' not in content  # no bulk delete


def test_staff_find_a_customers_cart_and_filter_by_owner(admin_client, carts):
    theirs, anonymous = carts

    def shown(query):
        return [cart.pk for cart in admin_client.get(CHANGELIST + query).context["cl"].result_list]

    assert shown("?q=42") == [theirs.pk]
    assert shown("?q=forty-two") == []
    assert shown("?owner=customer") == [theirs.pk]
    assert shown("?owner=anonymous") == [anonymous.pk]


def test_a_cart_page_lists_its_lines_read_only(admin_client, carts, lamp):
    theirs, _ = carts

    response = admin_client.get(f"{CHANGELIST}{theirs.pk}/change/")

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="/admin/catalog/product/{lamp.pk}/change/">#{lamp.pk}</a>' in content
    assert "12.50" in content
    assert 'name="lines-0-quantity"' not in content  # nothing editable
    assert "Save" not in content


def test_staff_cannot_change_add_or_delete_carts(admin_client, carts):
    theirs, _ = carts

    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}{theirs.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(f"{CHANGELIST}{theirs.pk}/change/", {"customer_id": 7})

    assert Cart.objects.get(pk=theirs.pk).customer_id == 42
    assert CartLine.objects.count() == 3


def test_shoppers_cannot_see_the_cart_admin(client, customer, carts):
    client.force_login(customer)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
