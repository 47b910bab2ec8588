"""The HTTP client against a remote that fails: what is retried, what is raised, what is not
sent twice. The remote is a real HTTP server on 127.0.0.1 (`remote.py`) that counts attempts.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from contracts.catalog.dto import StockLine
from contracts.catalog.errors import OutOfStock, ProductNotFound
from contracts.kernel.errors import TimedOut, Unavailable
from contracts.payments.errors import GatewayUnavailable
from microstore.transport import signing
from microstore.transport.client import HttpTransport, ServiceClient

GET_PRODUCTS = "/internal/catalog/get_products"
RESERVE = "/internal/catalog/reserve_stock"
RESEND = "/internal/notifications/resend"


@pytest.fixture(autouse=True)
def quick(settings: Any) -> None:
    settings.SERVICE_CALL_TIMEOUT_SECONDS = 0.3
    settings.SERVICE_CALL_RETRIES = 2


def client_of(service: str, address: str) -> Any:
    return ServiceClient(service, HttpTransport(address))


def reserve(catalog: Any) -> Any:
    return catalog.reserve_stock((StockLine(1, 2),), "cli-ref-1", 600)


def test_an_answer_is_decoded_into_the_contracts_types(remote):
    remote.answer(200, [])
    assert client_of("catalog", remote.url).get_products((1, 2)) == ()
    (seen,) = remote.seen
    assert (seen.method, seen.path, seen.body) == ("POST", GET_PRODUCTS, b'{"ids":[1,2]}')
    assert seen.headers[signing.CALLER] == "microstore"  # a test is the composition root


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (500, b"Internal Server Error", "text/plain"),
        (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
        (503, b"", "text/plain"),
        (200, b"{not json", "application/json"),
        (200, b'{"products": []}', "application/json"),  # JSON, not what the contract returns
        (200, b"[]", "text/html"),
        (200, b"[" * 50_000, "application/json"),
    ],
    ids=["500", "502-html", "503-empty", "200-garbage", "200-wrong-shape", "200-html", "deep"],
)
def test_a_read_only_call_is_retried_then_raises_unavailable(remote, settings, status, body,
                                                             content_type):  # fmt: skip
    remote.answer(status, body, content_type)

    with pytest.raises(Unavailable) as raised:
        client_of("catalog", remote.url).get_products((1,))

    assert type(raised.value) is Unavailable
    assert raised.value.details["address"] == remote.url
    assert remote.calls(GET_PRODUCTS) == 1 + settings.SERVICE_CALL_RETRIES
    nonces = {s.headers[signing.NONCE] for s in remote.seen}
    assert len(nonces) == remote.calls()  # each attempt signed afresh, or the server would
    # refuse the retry as a replay


def test_an_idempotent_call_is_retried_too(remote, settings):
    remote.answer(502, b"<html>Bad Gateway</html>", "text/html")

    with pytest.raises(Unavailable):
        reserve(client_of("catalog", remote.url))

    assert remote.calls(RESERVE) == 1 + settings.SERVICE_CALL_RETRIES
    assert {s.body for s in remote.seen} == {remote.seen[0].body}  # the same call each time


def test_a_call_that_answers_too_late_raises_timed_out_after_the_retries(remote, settings):
    remote.sleep(5)
    started = time.monotonic()

    with pytest.raises(TimedOut) as raised:
        client_of("catalog", remote.url).get_products((1,))

    assert raised.value.code == "timeout"
    assert "0.3s" in raised.value.message
    assert remote.calls(GET_PRODUCTS) == 1 + settings.SERVICE_CALL_RETRIES
    assert time.monotonic() - started < 3  # 3 × 0.3 s and the backoff, not 5 s


def test_no_retries_when_the_setting_says_none(remote, settings):
    settings.SERVICE_CALL_RETRIES = 0
    remote.answer(500, b"boom", "text/plain")

    with pytest.raises(Unavailable):
        client_of("catalog", remote.url).get_products((1,))

    assert remote.calls() == 1


@pytest.mark.parametrize("fault", ["500", "timeout"])
def test_a_method_not_declared_safe_is_sent_exactly_once(remote, fault):
    if fault == "timeout":
        remote.sleep(5)
    else:
        remote.answer(500, b"boom", "text/plain")

    with pytest.raises(TimedOut if fault == "timeout" else Unavailable):
        client_of("notifications", remote.url).resend((1, 2))

    assert remote.calls(RESEND) == 1


def test_a_remote_that_is_not_running_is_unavailable_naming_its_address(closed_port):
    with pytest.raises(Unavailable) as raised:
        client_of("catalog", closed_port).get_products((1,))

    assert type(raised.value) is Unavailable
    assert closed_port in raised.value.message
    assert raised.value.details == {
        "service": "catalog", "method": "get_products", "address": closed_port,
    }  # fmt: skip


def test_a_contract_error_is_raised_as_its_class_with_its_details_and_not_retried(remote):
    items = [{"sku": "MUG-1", "requested": 2, "available": 1}]
    remote.problem(409, "out_of_stock", detail="not enough MUG-1", details={"items": items})

    with pytest.raises(OutOfStock) as raised:
        reserve(client_of("catalog", remote.url))

    assert raised.value.message == "not enough MUG-1"
    assert raised.value.details == {"items": items}
    assert remote.calls() == 1


def test_a_not_found_answer_is_the_contracts_not_found(remote):
    remote.problem(404, "product_not_found", details={"slug": "nope"})

    with pytest.raises(ProductNotFound) as raised:
        client_of("catalog", remote.url).get_product_by_slug("nope")

    assert raised.value.message == ProductNotFound.title  # no detail: the class's own words
    assert raised.value.details == {"slug": "nope"}
    assert remote.calls() == 1


def test_a_contract_unavailable_is_raised_as_it_is_once(remote):
    """GatewayUnavailable is the service's own answer: the caller retries with its key."""
    remote.problem(503, "gateway_unavailable", detail="Stripe did not answer")

    with pytest.raises(GatewayUnavailable, match="Stripe did not answer"):
        client_of("payments", remote.url).get_payment("MS-1")

    assert remote.calls() == 1


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "bad_signature"), (401, "replayed"), (403, "call_not_allowed"),
     (403, "unknown_caller"), (404, "unknown_method"), (400, "invalid_arguments")],
)  # fmt: skip
def test_a_refusal_by_the_transport_raises_unavailable_at_once(remote, status, code):
    remote.problem(status, code)

    with pytest.raises(Unavailable) as raised:
        client_of("catalog", remote.url).get_products((1,))

    assert type(raised.value) is Unavailable
    assert (raised.value.details["status"], raised.value.details["code"]) == (status, code)
    assert remote.calls() == 1  # another try would be refused the same way


def test_a_problem_with_a_code_this_shop_does_not_know_is_unavailable(remote):
    remote.problem(422, "frobnication_refused", details={"x": 1})

    with pytest.raises(Unavailable) as raised:
        client_of("catalog", remote.url).get_products((1,))

    assert type(raised.value) is Unavailable
    assert raised.value.details["code"] == "frobnication_refused"
    assert remote.calls() == 1


def test_a_5xx_problem_with_an_unknown_code_is_retried(remote, settings):
    remote.problem(500, "internal_error")

    with pytest.raises(Unavailable):
        client_of("catalog", remote.url).get_products((1,))

    assert remote.calls() == 1 + settings.SERVICE_CALL_RETRIES


def test_a_client_refuses_a_call_that_does_not_fit_the_signature_without_sending_it(remote):
    catalog = client_of("catalog", remote.url)

    with pytest.raises(TypeError):
        catalog.get_products((1,), "extra")
    with pytest.raises(AttributeError, match="no method 'delete_everything'"):
        catalog.delete_everything()

    assert remote.calls() == 0
