"""The OpenAPI schema documents every answer (problem+json for each 4xx) and every constraint
the API enforces, with operation names a person reads."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        from django.test import Client

        return json.loads(Client().get("/api/schema/?format=json").content)


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def parameter(operation: dict, name: str) -> dict:
    return next(p for p in operation["parameters"] if p["name"] == name)


def test_the_schema_validates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")


def test_every_operation_documents_its_problems_as_problem_json(schema):
    for name, operation in operations(schema):
        errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
        assert errors, name
        for code, response in errors.items():
            assert response["content"] == {
                PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }, (name, code)
            assert response["description"], (name, code)
    problem = schema["components"]["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status", "code"]
    assert {"detail", "instance", "request_id", "errors"} <= set(problem["properties"])


def test_the_answers_each_operation_can_give(schema):
    paths = schema["paths"]
    assert set(paths["/api/v1/products/"]["get"]["responses"]) == {
        "200", "400", "401", "404", "503",
    }  # fmt: skip
    assert set(paths["/api/v1/products/"]["post"]["responses"]) == {
        "201", "400", "401", "403", "409", "415", "422", "503",
    }  # fmt: skip
    assert set(paths["/api/v1/orders/{number}/cancel/"]["post"]["responses"]) == {
        "200", "401", "403", "404", "409", "503",
    }  # fmt: skip
    token = paths["/api/v1/auth/token/"]["post"]
    assert set(token["responses"]) == {"200", "400", "401", "403", "415", "429", "503"}
    unavailable = paths["/api/v1/orders/"]["post"]["responses"]["503"]
    assert unavailable["headers"]["Retry-After"]["required"] is True
    assert "`timeout`" in unavailable["description"]
    assert token["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    assert "too_many_login_attempts" in token["responses"]["429"]["description"]
    assert paths["/api/v1/orders/"]["get"]["responses"]["401"]["headers"]["WWW-Authenticate"]


def test_the_constraints_the_api_enforces_are_documented(schema):
    components, paths = schema["components"]["schemas"], schema["paths"]
    quantity = components["AddItemRequest"]["properties"]["quantity"]
    assert (quantity["minimum"], quantity["maximum"]) == (1, 99)
    key = parameter(paths["/api/v1/orders/"]["post"], "Idempotency-Key")
    assert key["required"] is True
    assert (key["schema"]["minLength"], key["schema"]["maxLength"]) == (8, 64)
    products = paths["/api/v1/products/"]["get"]
    assert parameter(products, "min_price")["schema"]["pattern"] == r"^\d{1,10}(\.\d{1,2})?$"
    assert parameter(products, "page_size")["schema"] == {
        "type": "integer", "minimum": 1, "maximum": 100,
    }  # fmt: skip
    assert parameter(products, "sort")["schema"]["enum"] == ["price", "-price", "name", "newest"]
    assert parameter(products, "in_stock")["schema"] == {"type": "boolean"}
    currency = components["ProductRequest"]["properties"]["currency"]
    assert currency["pattern"] == "^[A-Z]{3}$"
    place = components["PlaceOrderRequest"]
    assert [branch["$ref"].rsplit("/", 1)[-1] for branch in place["oneOf"]] == [
        "_ToSavedAddressRequest", "_ToNewAddressRequest",
    ]  # fmt: skip
    assert paths["/api/v1/orders/"]["post"]["requestBody"]["required"] is True


def test_operations_have_names_and_summaries_a_person_reads(schema):
    ids = {name: operation["operationId"] for name, operation in operations(schema)}
    assert ids["GET /api/v1/products/"] == "product_list"
    assert ids["PATCH /api/v1/products/{id}/"] == "product_update"
    assert ids["POST /api/v1/orders/{number}/cancel/"] == "order_cancel"
    assert ids["POST /api/v1/auth/token/"] == "auth_token_obtain"
    assert ids["GET /api/v1/services/"] == "service_list"
    for name, operation in operations(schema):
        assert not operation["operationId"].startswith("v1_"), name
        assert operation["summary"][0].isupper(), name
        assert operation["tags"][0] in {"catalog", "cart", "orders", "accounts", "operations"}
    assert {t["name"] for t in schema["tags"]} == {
        "catalog", "cart", "orders", "accounts", "operations",
    }  # fmt: skip
