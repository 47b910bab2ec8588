"""The cart REST API: session carts for anonymous clients, persistent ones with a token;
errors as problem+json with stable codes, and nothing changed by a refused request."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.cart.models import Cart
from apps.catalog.models import Product, Stock
from tests.accounts.factories import PASSWORD
from tests.cart.factories import only_cart, stored

pytestmark = pytest.mark.django_db
CART, ITEMS = "/api/v1/cart/", "/api/v1/cart/items/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def token_client(customer):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"email": customer.email, "password": PASSWORD}, format="json"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()["code"] == code


def test_an_anonymous_client_starts_with_an_empty_cart(api):
    response = api.get(CART)

    assert response.status_code == 200
    assert response.json() == {
        "id": "",
        "customer_id": None,
        "currency": "EUR",
        "lines": [],
        "item_count": 0,
        "subtotal": {"amount": "0.00", "currency": "EUR"},
        "checkout_ready": False,
    }
    assert Cart.objects.count() == 0


def test_an_anonymous_client_adds_to_a_session_cart(api, lamp):
    response = api.post(ITEMS, {"product_id": lamp.pk, "quantity": 2}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["change"] == {
        "product_id": lamp.pk,
        "wanted": 2,
        "quantity": 2,
        "capped": False,
        "message": "Added 2 × Brass lamp to your cart.",
    }
    assert body["cart"]["lines"][0] == {
        "product_id": lamp.pk,
        "sku": lamp.sku,
        "name": "Brass lamp",
        "slug": "brass-lamp",
        "image_url": None,
        "unit_price": {"amount": "40.00", "currency": "EUR"},
        "added_price": {"amount": "40.00", "currency": "EUR"},
        "quantity": 2,
        "available": 5,
        "line_total": {"amount": "80.00", "currency": "EUR"},
        "flags": [],
    }
    assert api.session["cart_id"] == str(only_cart().pk) == body["cart"]["id"]
    again = api.post(ITEMS, {"product_id": lamp.pk}, format="json")
    assert (again.status_code, again.json()["change"]["quantity"]) == (200, 3)


def test_a_token_client_uses_the_customers_cart(token_client, customer, lamp):
    token_client.post(ITEMS, {"product_id": lamp.pk, "quantity": 9}, format="json")

    body = token_client.get(CART).json()

    assert (body["customer_id"], body["item_count"]) == (customer.pk, 5)
    assert stored(customer_id=customer.pk) == [(lamp.pk, 5)]


def test_adding_beyond_the_stock_is_capped_and_says_so(api, lamp):
    change = api.post(ITEMS, {"product_id": lamp.pk, "quantity": 7}, format="json").json()["change"]

    assert (change["wanted"], change["quantity"], change["capped"]) == (7, 5, True)


def test_flags_show_in_the_api(api, lamp):
    api.post(ITEMS, {"product_id": lamp.pk, "quantity": 2}, format="json")
    Stock.objects.filter(pk=lamp.pk).update(on_hand=0)

    body = api.get(CART).json()

    assert body["lines"][0]["flags"] == ["sold_out"]
    assert body["checkout_ready"] is False


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"product_id": 999_999}, 404, "product_not_found"),
        ({"product_id": "LAMP", "quantity": 1}, 400, "validation_error"),
        ({"quantity": 1}, 400, "validation_error"),
    ],
)
def test_bad_products_are_problems_and_store_nothing(api, payload, status, code):
    response = api.post(ITEMS, payload, format="json")

    assert problem(response, status, code)
    assert Cart.objects.count() == 0


@pytest.mark.parametrize("quantity", [0, -3, 100])
def test_out_of_range_quantities_are_problems_and_store_nothing(api, lamp, quantity):
    response = api.post(ITEMS, {"product_id": lamp.pk, "quantity": quantity}, format="json")

    assert problem(response, 422, "quantity_out_of_range")
    assert response.json()["details"] == {"quantity": quantity, "minimum": 1, "maximum": 99}
    assert Cart.objects.count() == 0


def test_an_unavailable_product_is_a_conflict_with_the_reason(api, lamp):
    Product.objects.filter(pk=lamp.pk).update(is_active=False)

    response = api.post(ITEMS, {"product_id": lamp.pk}, format="json")

    assert problem(response, 409, "product_unavailable")
    assert response.json()["details"] == {"product_id": lamp.pk, "reason": "inactive"}
    assert Cart.objects.count() == 0


def test_patch_sets_a_quantity_and_zero_removes(api, lamp, mug):
    api.post(ITEMS, {"product_id": lamp.pk}, format="json")
    api.post(ITEMS, {"product_id": mug.pk}, format="json")

    response = api.patch(f"{ITEMS}{lamp.pk}/", {"quantity": 4}, format="json")
    assert (response.status_code, response.json()["change"]["quantity"]) == (200, 4)
    api.patch(f"{ITEMS}{mug.pk}/", {"quantity": 0}, format="json")

    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 4)]


@pytest.mark.parametrize(
    ("quantity", "status", "code"),
    [
        (-1, 422, "quantity_out_of_range"),
        ("x", 400, "validation_error"),
        (None, 400, "validation_error"),
    ],
)
def test_a_bad_patch_changes_nothing(api, lamp, quantity, status, code):
    api.post(ITEMS, {"product_id": lamp.pk, "quantity": 2}, format="json")

    response = api.patch(
        f"{ITEMS}{lamp.pk}/", {} if quantity is None else {"quantity": quantity}, format="json"
    )

    assert problem(response, status, code)
    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 2)]


def test_patching_or_deleting_a_product_not_in_the_cart_is_404(api, lamp, mug):
    api.post(ITEMS, {"product_id": lamp.pk}, format="json")

    assert problem(
        api.patch(f"{ITEMS}{mug.pk}/", {"quantity": 1}, format="json"), 404, "cart_line_not_found"
    )
    assert problem(api.delete(f"{ITEMS}{mug.pk}/"), 404, "cart_line_not_found")
    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 1)]


def test_delete_an_item_then_the_whole_cart(api, lamp, mug):
    api.post(ITEMS, {"product_id": lamp.pk}, format="json")
    api.post(ITEMS, {"product_id": mug.pk}, format="json")

    assert api.delete(f"{ITEMS}{lamp.pk}/").status_code == 204
    assert stored(cart_id=only_cart().pk) == [(mug.pk, 1)]
    assert api.delete(CART).status_code == 204
    assert api.delete(CART).status_code == 204  # idempotent
    assert stored(cart_id=only_cart().pk) == []


def test_clients_never_see_each_others_carts(api, token_client, customer, lamp):
    token_client.post(ITEMS, {"product_id": lamp.pk, "quantity": 2}, format="json")

    assert api.get(CART).json()["lines"] == []
    assert problem(api.delete(f"{ITEMS}{lamp.pk}/"), 404, "cart_line_not_found")
    api.delete(CART)
    assert stored(customer_id=customer.pk) == [(lamp.pk, 2)]


def test_an_anonymous_session_needs_the_csrf_token_to_change_its_cart(lamp):
    strict = APIClient(enforce_csrf_checks=True)

    response = strict.post(ITEMS, {"product_id": lamp.pk}, format="json")

    assert problem(response, 403, "permission_denied")
    assert Cart.objects.count() == 0


def test_a_token_client_needs_no_csrf_token(customer, lamp):
    from rest_framework.authtoken.models import Token

    strict = APIClient(enforce_csrf_checks=True)
    strict.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer).key}")

    assert strict.post(ITEMS, {"product_id": lamp.pk}, format="json").status_code == 201
    assert stored(customer_id=customer.pk) == [(lamp.pk, 1)]


def test_the_schema_documents_the_cart_endpoints(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    assert set(schema["paths"]["/api/v1/cart/"]) == {"get", "delete"}
    assert set(schema["paths"]["/api/v1/cart/items/"]) == {"post"}
    assert set(schema["paths"]["/api/v1/cart/items/{product_id}/"]) == {"patch", "delete"}
    responses = schema["paths"]["/api/v1/cart/items/"]["post"]["responses"]
    assert set(responses) == {"200", "201", "400", "401", "403", "404", "409", "415", "422", "503"}
    assert schema["components"]["schemas"]["FlagsEnum"]["enum"] == [
        "inactive",
        "sold_out",
        "capped",
        "price_changed",
    ]


@pytest.mark.parametrize("product_id", [0, 10**20])
def test_ids_that_name_no_product_are_404_on_every_database(api, lamp, product_id):
    api.post(ITEMS, {"product_id": lamp.pk}, format="json")

    assert problem(
        api.post(ITEMS, {"product_id": product_id}, format="json"), 404, "product_not_found"
    )
    assert problem(
        api.patch(f"{ITEMS}{product_id}/", {"quantity": 1}, format="json"),
        404,
        "cart_line_not_found",
    )
    assert problem(api.delete(f"{ITEMS}{product_id}/"), 404, "cart_line_not_found")
    assert stored(cart_id=only_cart().pk) == [(lamp.pk, 1)]
