"""/api/v1/products/ and /api/v1/categories/: public reads, staff writes, problem+json errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.catalog.models import Product, Stock
from contracts.catalog.dto import StockLine
from contracts.catalog.service import catalog_service
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def skus(response):
    return [p["sku"] for p in response.json()["results"]]


def test_anyone_lists_products_on_sale_with_filters_and_pagination(client):
    cat = CategoryFactory(slug="lamps")
    ProductFactory(sku="A", name="Desk lamp", category=cat, price=Decimal("30"))
    ProductFactory(sku="B", name="Floor lamp", category=cat, price=Decimal("80"), stock=0)
    ProductFactory(sku="C", name="Old lamp", is_active=False)

    assert sorted(skus(client.get("/api/v1/products/"))) == ["A", "B"]
    assert skus(client.get("/api/v1/products/?category=lamps&in_stock=true")) == ["A"]
    assert skus(client.get("/api/v1/products/?q=lamp&sort=-price")) == ["B", "A"]
    page = client.get("/api/v1/products/?page_size=1&sort=price").json()
    assert (page["count"], [r["sku"] for r in page["results"]]) == (2, ["A"])
    assert "page=2" in page["next"]


def test_a_product_reads_the_same_by_id_or_slug(client):
    product = ProductFactory(sku="SK-1", slug="skillet", price=Decimal("49.00"), stock=4)
    by_id = client.get(f"/api/v1/products/{product.pk}/").json()
    by_slug = client.get("/api/v1/products/skillet/").json()
    assert by_id == by_slug
    assert (by_id["sku"], by_id["price"], by_id["available"], by_id["url"]) == (
        "SK-1", "49.00", 4, "/p/skillet/",
    )  # fmt: skip
    assert "on_hand" not in by_id


def test_an_inactive_product_is_hidden_from_the_public_but_not_from_staff(client, admin_client):
    retired = ProductFactory(is_active=False)
    response = client.get(f"/api/v1/products/{retired.slug}/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert admin_client.get(f"/api/v1/products/{retired.slug}/").status_code == 200


def test_bad_query_parameters_are_a_problem_listing_each(client):
    response = client.get("/api/v1/products/?min_price=cheap&sort=sideways")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert sorted(e["field"] for e in response.json()["errors"]) == ["min_price", "sort"]


def test_the_list_costs_three_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        ProductFactory()
    with django_assert_max_num_queries(3):
        client.get("/api/v1/products/?q=product&in_stock=1")


def test_staff_create_a_product_with_its_stock(admin_client):
    CategoryFactory(slug="mugs")
    response = admin_client.post(
        "/api/v1/products/",
        {"sku": "MUG-9", "name": "Blue mug", "price": "12.50", "category": "mugs", "on_hand": 7},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["available"], body["currency"]) == ("blue-mug", 7, "EUR")
    assert Stock.objects.get(product__sku="MUG-9").on_hand == 7


def test_staff_update_price_and_stock(admin_client):
    product = ProductFactory(price=Decimal("10"), stock=5)
    response = admin_client.patch(
        f"/api/v1/products/{product.pk}/", {"price": "11.00", "on_hand": 9},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["available"] == 9
    product.refresh_from_db()
    assert product.price == Decimal("11.00")


def test_stock_cannot_be_counted_below_what_checkouts_hold(admin_client):
    product = ProductFactory(stock=5)
    catalog_service().reserve_stock((StockLine(product.pk, 4),), "order-1", 600)

    response = admin_client.patch(
        f"/api/v1/products/{product.pk}/", {"on_hand": 2, "price": "99.00"},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    product.refresh_from_db()
    assert (product.stock.on_hand, product.price) == (5, Decimal("10.00"))


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": "No sku", "price": "1"}, ["sku"]),
        ({"sku": "X", "name": "Neg", "price": "-1"}, ["price"]),
        ({"sku": "X", "name": "Cat", "price": "1", "category": ""}, ["category"]),
        ({"sku": "X", "name": "Money", "price": "1", "currency": "eu"}, ["currency"]),
        ({"sku": "X", "name": "Typed", "price": 1}, ["price"]),
        ({"sku": 7, "name": "Typed", "price": "1"}, ["sku"]),
        ({"sku": "X", "name": "Huge", "price": "1", "on_hand": 2**31}, ["on_hand"]),
    ],
)
def test_invalid_products_are_refused_with_field_errors_and_nothing_saved(
    admin_client, payload, fields
):
    ProductFactory(sku="DUP")
    before = Product.objects.count()
    response = admin_client.post("/api/v1/products/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert sorted({e["field"] for e in response.json()["errors"]}) == fields
    assert Product.objects.count() == before


def test_an_unknown_category_is_unprocessable_naming_the_field(admin_client):
    payload = {"sku": "X", "name": "Cat", "price": "1", "category": "nope"}

    response = admin_client.post("/api/v1/products/", payload, content_type="application/json")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_reference"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("category", "does_not_exist")]
    assert Product.objects.filter(sku="X").exists() is False


def test_a_taken_sku_is_a_conflict_naming_the_field(admin_client):
    ProductFactory(sku="DUP")
    payload = {"sku": "DUP", "name": "Dup", "price": "1"}

    response = admin_client.post("/api/v1/products/", payload, content_type="application/json")

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "already_exists"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("sku", "unique")]
    assert Product.objects.filter(sku="DUP").count() == 1


def test_shoppers_cannot_write(client, django_user_model):
    product = ProductFactory()
    user = django_user_model.objects.create_user(email="s@example.com", password="x")
    client.force_login(user)
    assert client.patch(f"/api/v1/products/{product.pk}/", {"price": "1"},
                        content_type="application/json").status_code == 403  # fmt: skip
    assert client.delete(f"/api/v1/products/{product.pk}/").status_code == 403
    assert Product.objects.filter(pk=product.pk, price=Decimal("10.00")).exists()


def test_a_product_that_was_reserved_cannot_be_deleted_only_retired(admin_client):
    product = ProductFactory()
    catalog_service().reserve_stock((StockLine(product.pk, 1),), "order-2", 600)
    response = admin_client.delete(f"/api/v1/products/{product.pk}/")
    assert response.status_code == 409
    assert Product.objects.filter(pk=product.pk).exists()
    fresh = ProductFactory()
    assert admin_client.delete(f"/api/v1/products/{fresh.pk}/").status_code == 204


def test_categories_read_by_anyone_written_by_staff(client, admin_client):
    parent = CategoryFactory(slug="home", name="Home")
    listing = client.get("/api/v1/categories/").json()
    assert [c["slug"] for c in listing["results"]] == ["home"]
    created = admin_client.post(
        "/api/v1/categories/", {"name": "Lighting", "slug": "lighting", "parent": "home"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    assert client.get("/api/v1/categories/lighting/").json()["parent"] == "home"
    anonymous = client.post(
        "/api/v1/categories/", {"name": "X", "slug": "x"}, content_type="application/json"
    )
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    ProductFactory(category=parent)
    assert admin_client.delete("/api/v1/categories/home/").status_code == 409


def test_the_schema_documents_the_catalog(client):
    paths = client.get("/api/schema/", headers={"Accept": "application/json"}).json()["paths"]
    assert {"/api/v1/products/", "/api/v1/products/{id}/", "/api/v1/categories/"} <= set(paths)
    names = [p["name"] for p in paths["/api/v1/products/"]["get"]["parameters"]]
    assert {"q", "category", "min_price", "max_price", "in_stock", "sort", "page"} <= set(names)
