"""A JSON value of the wrong type is refused, never coerced (`"2"` is not a quantity)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.cart.models import Cart
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body",
    [
        {"product_id": "1", "quantity": 1},
        {"product_id": 1, "quantity": "2"},
        {"product_id": 1, "quantity": 2.0},
        {"product_id": 1, "quantity": True},
    ],
)
def test_the_cart_refuses_numbers_of_the_wrong_type(body):
    product = ProductFactory(pk=1)
    api = APIClient()

    response = api.post("/api/v1/cart/items/", body, format="json")

    assert response.status_code == 400, response.content
    field = next(name for name, value in body.items() if type(value) is not int)
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, "invalid")]
    assert Cart.objects.filter(lines__product_id=product.pk).exists() is False


def test_a_relation_named_by_slug_takes_a_string_only(admin_client):
    from tests.catalog.factories import CategoryFactory

    CategoryFactory(slug="0")
    body = {"sku": "X-1", "name": "Lamp", "price": "1.00", "category": 0}

    response = admin_client.post("/api/v1/products/", body, content_type="application/json")

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("category", "invalid")]


def test_a_form_encoded_body_is_unsupported():
    response = APIClient().post("/api/v1/cart/items/", {"product_id": 1}, format="multipart")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
