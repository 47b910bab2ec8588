"""What `/internal/<service>/<method>` answers to a signed caller, on both faces of the server
(the live server over HTTP, and `dispatch` as the loopback binding uses it): problems with a
stable `code` for every bad request, the contract's own errors with their details, the probe.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from apps.catalog.models import Reservation, Stock
from contracts.directory import CONTRACTS
from microstore.problems import PROBLEM_JSON
from tests.catalog.factories import ProductFactory
from tests.microstore.transport.conftest import assert_problem, signed


@pytest.fixture
def mug(internal: Any) -> Any:
    return ProductFactory(sku="MUG-1", stock=3)


def reserve(mug: Any, quantity: Any = 1, **changes: Any) -> dict[str, Any]:
    body = {
        "lines": [{"product_id": mug.pk, "quantity": quantity}],
        "reference": "srv-ref-1",
        "ttl_seconds": 600,
    }
    return {**body, **changes}


def test_a_call_answers_its_result_as_json(internal, mug):
    answer = internal.post("catalog", "get_products", {"ids": [mug.pk, 999_999]})

    assert (answer.status, answer.content_type) == (200, "application/json")
    (product,) = answer.json()
    assert (product["sku"], product["available"]) == ("MUG-1", 3)
    assert product["price"] == {"amount": "10.00", "currency": "EUR"}


def test_an_unknown_service_is_a_404_problem(internal):
    body = assert_problem(internal.post("warehouse", "get_products"), 404, "unknown_service")
    assert "'warehouse'" in body["detail"]


@pytest.mark.parametrize("name", ["get_product", "__init__", "_implementation", "mro"])
def test_an_unknown_or_private_method_is_a_404_problem(internal, name):
    body = assert_problem(internal.post("catalog", name), 404, "unknown_method")
    assert body["instance"] == f"/internal/catalog/{name}"


def test_get_on_a_call_is_a_405_problem(internal, mug):
    answer = internal.post("catalog", "get_products", {"ids": [mug.pk]}, http_method="GET")
    body = assert_problem(answer, 405, "method_not_allowed")
    assert "POST" in body["detail"]


@pytest.mark.parametrize("http_method", ["POST", "PUT", "DELETE"])
def test_anything_but_get_on_health_is_a_405_problem(internal, http_method):
    answer = internal.post("catalog", "health", b"", http_method=http_method)
    assert_problem(answer, 405, "method_not_allowed")


@pytest.mark.parametrize(
    "body", [b"", b"{", b"{'ids': [1]}", b"\xff\xfe\x00", b"[1,]", b"NaN-ish"], ids=repr
)
def test_a_body_that_is_not_json_is_a_400_malformed_body(internal, body):
    assert_problem(internal.post("catalog", "get_products", body), 400, "malformed_body")


INVALID = [
    # (service, method, arguments, the field named)
    ("catalog", "get_products", {"ids": [1, "2"]}, "ids[1]"),
    ("catalog", "get_products", {"ids": "1,2"}, "ids"),
    ("catalog", "get_products", {}, "ids"),
    ("catalog", "get_products", {"ids": [1], "colour": "red"}, "colour"),
    ("catalog", "get_products", [1, 2], ""),
    ("catalog", "reserve_stock", {"reference": "r", "ttl_seconds": 60}, "lines"),
    (
        "catalog",
        "reserve_stock",
        {"lines": [{"product_id": 1, "quantity": "two"}], "reference": "r", "ttl_seconds": 60},
        "lines[0].quantity",
    ),
    (
        "catalog",
        "reserve_stock",
        {
            "lines": [{"product_id": 1, "quantity": 1}, {"quantity": 1}],
            "reference": "r",
            "ttl_seconds": 60,
        },  # fmt: skip
        "lines[1].product_id",
    ),
    (
        "catalog",
        "reserve_stock",
        {"lines": [{"product_id": 1, "quantity": 1}], "reference": "r", "ttl_seconds": "60"},
        "ttl_seconds",
    ),
    ("accounts", "get_address", {"customer_id": True, "address_id": 1}, "customer_id"),
    ("orders", "get_order", {"number": 1001}, "number"),
    (
        "payments",
        "start_payment",
        {
            "order_ref": "MS-1",
            "amount": {"amount": "9.90", "currency": 978},
            "customer": {"customer_id": 1, "email": "a@example.com", "name": "Ada"},
            "idempotency_key": "k",
        },  # fmt: skip
        "amount.currency",
    ),
    (
        "payments",
        "start_payment",
        {
            "order_ref": "MS-1",
            "amount": {"amount": 9.9, "currency": "EUR"},
            "customer": {"customer_id": 1, "email": "a@example.com", "name": "Ada"},
            "idempotency_key": "k",
        },  # fmt: skip
        "amount.amount",
    ),
    (
        "notifications",
        "queue_account_email",
        {
            "email": {
                "key": "not-a-uuid",
                "recipient": "a@example.com",
                "subject": "Hi",
                "text": "",
                "html": "",
            }
        },  # fmt: skip
        "email.key",
    ),
    ("notifications", "recent_failures", {"limit": None}, "limit"),
]


@pytest.mark.parametrize(
    ("service", "method", "arguments", "field"), INVALID, ids=[f"{c[1]}:{c[3]}" for c in INVALID]
)
def test_a_mistyped_or_missing_argument_is_a_400_naming_the_field(
    internal, service, method, arguments, field
):
    body = assert_problem(internal.post(service, method, arguments), 400, "invalid_arguments")

    (error,) = body["errors"]
    assert error["field"] == field
    assert error["message"]


def test_a_mistyped_call_changes_nothing(internal, mug):
    answer = internal.post("catalog", "reserve_stock", reserve(mug, quantity="1"))

    assert_problem(answer, 400, "invalid_arguments")
    assert Stock.objects.get(product=mug).reserved == 0
    assert not Reservation.objects.exists()


# The contract's own errors -----------------------------------------------------------------


def test_a_not_found_error_is_a_404_with_its_code_and_details(internal):
    answer = internal.post("catalog", "get_product_by_slug", {"slug": "no-such-mug"})

    body = assert_problem(answer, 404, "product_not_found")
    assert body["title"] == "Product not found."
    assert "no-such-mug" in body["detail"]
    assert body["details"] == {"slug": "no-such-mug"}


def test_a_conflict_is_a_409_whose_details_name_each_short_sku(internal, mug):
    answer = internal.post("catalog", "reserve_stock", reserve(mug, quantity=5))

    body = assert_problem(answer, 409, "out_of_stock")
    assert body["details"] == {"items": [{"sku": "MUG-1", "requested": 5, "available": 3}]}
    assert Stock.objects.get(product=mug).reserved == 0


def test_an_invalid_request_is_a_422(internal, mug):
    answer = internal.post("catalog", "reserve_stock", reserve(mug, quantity=0))

    body = assert_problem(answer, 422, "invalid_request")
    assert body["detail"]


def test_a_reused_reference_is_a_409_reservation_mismatch(internal, mug):
    assert internal.post("catalog", "reserve_stock", reserve(mug)).status == 200
    again = internal.post("catalog", "reserve_stock", reserve(mug))
    other = internal.post("catalog", "reserve_stock", reserve(mug, quantity=2))

    assert (again.status, again.json()["reference"]) == (200, "srv-ref-1")  # idempotent
    assert_problem(other, 409, "reservation_mismatch")
    assert Stock.objects.get(product=mug).reserved == 1


# The probe ---------------------------------------------------------------------------------


@pytest.mark.parametrize("service", list(CONTRACTS))
def test_health_answers_the_probe_its_contract_version_and_build(internal, settings, service):
    settings.MICROSTORE_BUILD = "build-7f3a"

    answer = internal.health(service)

    assert (answer.status, answer.content_type) == (200, "application/json")
    probe = answer.json()
    assert isinstance(probe.pop("detail"), str)  # payments names its gateway there
    assert probe == {
        "service": service,
        "version": CONTRACTS[service].version,
        "ok": True,
        "contract": CONTRACTS[service].version,
        "build": "build-7f3a",
    }


# Addresses the URL pattern does not know are problems too, never a page ---------------------


@pytest.mark.parametrize(
    "path",
    [
        "/internal/",
        "/internal/catalog/get-products",
        "/internal/catalog/get_products/",
        "/internal/Catalog/health/extra",
    ],
)
@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG-off", "DEBUG-on"])
def test_every_internal_address_answers_a_problem(over_http, settings, path, debug):
    """Before the transport took every address under /internal/, these fell through to Django's
    404: a page, and in DEBUG the technical one listing every route of the shop."""
    settings.DEBUG = debug

    unsigned = over_http.send(signed("POST", path, b"{}", secret="x" * 40))
    answer = over_http.send(signed("POST", path, b"{}"))

    assert_problem(unsigned, 401, "bad_signature")
    assert answer.content_type == PROBLEM_JSON
    assert answer.status == 404
    assert answer.code in {"unknown_service", "unknown_method"}


def test_a_signed_account_email_is_queued_once(over_http):
    email = {"key": str(uuid.uuid4()), "recipient": "ada@example.com", "subject": "Hi",
             "text": "Hello", "html": ""}  # fmt: skip

    first = over_http.post("notifications", "queue_account_email", {"email": email})
    second = over_http.post("notifications", "queue_account_email", {"email": email})

    assert (first.json(), second.json()) == (True, False)


def test_an_unavailable_gateway_is_a_503_with_its_code(over_http, settings, monkeypatch):
    from apps.payments.gateways import stripe as stripe_gateway
    from apps.payments.models import Payment
    from tests.payments.conftest import STRIPE_KEYS
    from tests.payments.stripe_api import FakeStripeAPI

    api = FakeStripeAPI()
    api.fail_next("500")
    settings.STRIPE = STRIPE_KEYS
    monkeypatch.setattr(stripe_gateway, "http_client_factory", lambda: api)
    monkeypatch.setattr(stripe_gateway, "MAX_NETWORK_RETRIES", 0)
    arguments = {
        "order_ref": "MS-1",
        "amount": {"amount": "9.90", "currency": "EUR"},
        "customer": {"customer_id": 1, "email": "ada@example.com", "name": "Ada"},
        "idempotency_key": "srv-key-0001",
    }

    answer = over_http.post("payments", "start_payment", arguments, caller="orders")

    body = assert_problem(answer, 503, "gateway_unavailable")
    assert "Stripe" in body["detail"]
    assert not Payment.objects.exists()
