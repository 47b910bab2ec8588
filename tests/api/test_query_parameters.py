"""Every list endpoint refuses a query it does not understand, naming the parameter, instead of
answering some other question (DRF's pagination took `page_size=null` as the default size)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def refused(response, *names: str) -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "validation_error"
    assert sorted({e["field"] for e in body["errors"]}) == sorted(names)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page_size=null", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=-3", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=2.5", "page_size"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=last", "page"),
        ("page=%C2%B2", "page"),
        ("ordering=foo", "ordering"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/products/", "/api/v1/categories/", "/api/v1/orders/"])
def test_every_list_refuses_a_malformed_or_unknown_parameter(api, path, query, name):
    api.force_authenticate(UserFactory())

    refused(api.get(f"{path}?{query}"), name)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("min_price=1e999", "min_price"),
        ("min_price=1e2", "min_price"),
        ("max_price=-1", "max_price"),
        ("max_price=1.999", "max_price"),
        ("min_price=12345678901", "min_price"),
        ("in_stock=abc", "in_stock"),
        ("in_stock=", "in_stock"),
        ("sort=cheapest", "sort"),
        ("q=" + "x" * 101, "q"),
        ("q=mug%00", "q"),
        ("category=no%20such", "category"),
    ],
)
def test_the_product_filters_refuse_what_the_schema_forbids(api, query, name):
    refused(api.get(f"/api/v1/products/?{query}"), name)


def test_an_unknown_category_is_not_found(api):
    response = api.get("/api/v1/products/?category=nowhere")

    assert response.status_code == 404
    assert response.json()["code"] == "category_not_found"


def test_prices_the_wrong_way_round_match_nothing(api):
    ProductFactory(price="5.00")

    response = api.get("/api/v1/products/?min_price=9&max_price=1")

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_well_formed_queries_still_answer(api):
    home = CategoryFactory(slug="home")
    ProductFactory(price="5.00", category=home, name="Lamp")
    query = "q=Lamp&category=home&min_price=1&max_price=9.50&in_stock=false&sort=price"

    response = api.get(f"/api/v1/products/?{query}&page=1&page_size=100&format=json")

    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["Lamp"]


def test_a_page_past_the_last_is_not_found(api):
    response = api.get("/api/v1/categories/?page=2")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
