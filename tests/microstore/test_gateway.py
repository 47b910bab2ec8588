"""The gateway: request ids, problem+json errors, the OpenAPI schema and its docs."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from contracts.directory import CONTRACTS
from microstore.logs import ContextFilter, JsonFormatter

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def test_every_response_gets_a_request_id(client):
    response = client.get("/")
    assert len(response["X-Request-ID"]) == 32


def test_the_callers_request_id_is_kept(client):
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a.01"})
    assert response["X-Request-ID"] == "lb-7f3a.01"


def test_an_unsafe_request_id_is_replaced_not_echoed(client):
    response = client.get("/", headers={"X-Request-ID": "evil\nlog line" + "x" * 200})
    assert "evil" not in response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32


def test_log_lines_carry_the_request_id(client, caplog):
    caplog.handler.addFilter(ContextFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/api/v1/services/", headers={"X-Request-ID": "trace-1"})
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    assert {r.request_id for r in records} == {"trace-1"}


def test_production_logs_are_one_json_object_per_line_with_the_context():
    record = logging.LogRecord("shop", logging.ERROR, __file__, 1, "paid %s", ("O-1",), None)
    ContextFilter().filter(record)
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert "\n" not in line
    assert data["message"] == "paid O-1"
    assert data["level"] == "ERROR"
    assert {"timestamp", "request_id", "user_id", "route", "service", "logger"} <= set(data)


def test_api_errors_are_problem_json_with_a_stable_code(client):
    response = client.get("/api/v1/services/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["status"] == 401
    assert body["instance"] == "/api/v1/services/"
    assert body["request_id"] == response["X-Request-ID"]


def test_an_unknown_api_address_is_a_problem_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_found"


def test_an_unknown_page_is_the_shop_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"We couldn't find that page" in response.content


@pytest.mark.urls("tests.microstore.problem_urls")
def test_validation_errors_list_every_field(client):
    response = client.post(
        "/api/v1/test/echo/", {"city": "x" * 30, "lines": [0]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "validation_error"
    assert sorted((e["field"], e["code"]) for e in body["errors"]) == [
        ("city", "max_length"),
        ("lines[0]", "min_value"),
    ]


@pytest.mark.urls("tests.microstore.problem_urls")
def test_malformed_json_is_a_problem_not_a_crash(client):
    response = client.post("/api/v1/test/echo/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.urls("tests.microstore.problem_urls")
def test_a_contract_error_keeps_its_code_status_and_details(client):
    response = client.get("/api/v1/test/busy/")
    assert response.status_code == 409
    assert response.json() | {"request_id": None} == {
        "type": "/api/docs/#problem-conflict",
        "title": "The request conflicts with the current state.",
        "status": 409,
        "code": "conflict",
        "detail": "the cart changed meanwhile",
        "instance": "/api/v1/test/busy/",
        "request_id": None,
        "details": {"version": 3},
    }


@pytest.mark.urls("tests.microstore.problem_urls")
def test_a_bug_in_an_api_view_is_a_problem_json_500_without_internals(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/test/broken/")
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "server_error"
    assert b"a bug" not in response.content


def test_staff_see_every_service_with_its_binding(admin_client):
    response = admin_client.get("/api/v1/services/")
    assert response.status_code == 200
    rows = {row["service"]: row for row in response.json()}
    assert set(rows) == {"catalog", "accounts", "cart", "orders", "payments", "notifications"}
    assert {name: (r["binding"], r["ok"], r["version"]) for name, r in rows.items()} == {
        name: ("loopback", True, contract.version) for name, contract in CONTRACTS.items()
    }


def test_the_openapi_schema_and_its_docs_are_served_without_a_cdn(client):
    schema = client.get(reverse("schema"), headers={"Accept": "application/json"})
    assert schema.status_code == 200
    assert "/api/v1/services/" in json.loads(schema.content)["paths"]

    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert b"https://" not in docs.content
    assert "unsafe-inline" in docs["Content-Security-Policy"]
