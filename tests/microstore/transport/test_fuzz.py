"""Whatever a signed caller sends, the server answers 200 or a problem, never a 5xx.

Hypothesis throws random JSON (shaped like each method's arguments, or not at all) and random
bytes at a few methods through `server.dispatch`, which is what the HTTP view runs too; a
handful of the nastiest bodies then go over real HTTP. Every 500 found here was a bug fixed in
the server or the codec.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contracts.directory import CONTRACTS
from contracts.kernel.methods import methods_of
from microstore.problems import PROBLEM_JSON
from tests.microstore.transport.conftest import Answer

# Methods that answer inside the test's transaction (no durable block of their own).
TARGETS = [
    ("catalog", "get_products"),
    ("catalog", "get_product_by_slug"),
    ("catalog", "reserve_stock"),
    ("catalog", "release_reservation"),
    ("accounts", "get_address"),
    ("orders", "get_order"),
    ("orders", "figures"),
    ("payments", "get_payment"),
    ("cart", "get_cart"),
    ("cart", "get_customer_cart"),
    ("cart", "item_count"),
    ("notifications", "recent_failures"),
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([0, -1, 2**31, 2**63, -(2**63) - 1, 10**40, sys.maxsize])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "\x00", "0", "1e999", "NaN", "2026-13-45T25:61:00", "EUR", "😀"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def argument_shaped(service: str, method: str) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with some of the method's own parameter names (and sometimes a stranger),
    nested values with the field names of its DTOs: close enough to reach the decoder's depths."""
    names = [p.name for p in methods_of(CONTRACTS[service].protocol)[method].params]
    fields = ["product_id", "quantity", "amount", "currency", "customer_id", "key", "id"]
    nested = st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(fields), inner, max_size=3)
        ),
        max_leaves=8,
    )
    return st.dictionaries(st.sampled_from([*names, "stranger"]), nested, max_size=len(names) + 1)


def bodies(service: str, method: str) -> st.SearchStrategy[bytes]:
    as_json = (values | argument_shaped(service, method)).map(
        lambda v: json.dumps(v, allow_nan=True).encode()
    )
    return as_json | st.binary(max_size=40)


def assert_answered(answer: Answer) -> None:
    assert answer.status < 500, answer.body[:500]
    if answer.status == 200:
        assert answer.content_type == "application/json"
        json.loads(answer.body)
    else:
        assert answer.content_type == PROBLEM_JSON, answer.body[:200]
        assert answer.code


FUZZ = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "method"), TARGETS, ids=[f"{s}.{m}" for s, m in TARGETS])
def test_random_bodies_never_get_a_5xx(loopback, service, method):
    @FUZZ
    @given(body=bodies(service, method))
    def check(body: bytes) -> None:
        assert_answered(loopback.post(service, method, body))

    check()


NASTY = [
    ("catalog", "get_products", {"ids": [10**40]}),
    ("catalog", "get_product_by_slug", {"slug": "mug\x00"}),
    (
        "catalog",
        "reserve_stock",
        {"lines": [{"product_id": 1, "quantity": 10**40}], "reference": "r", "ttl_seconds": 60},
    ),  # fmt: skip
    (
        "catalog",
        "reserve_stock",
        {"lines": [{"product_id": 1, "quantity": 1}], "reference": "r", "ttl_seconds": 10**40},
    ),  # fmt: skip
    ("notifications", "recent_failures", {"limit": 10**40}),
    ("accounts", "get_address", {"customer_id": -(2**63) - 1, "address_id": 2**63}),
    ("orders", "get_order", {"number": "\x00"}),
    ("catalog", "get_products", b"\xef\xbb\xbf{}"),
    ("catalog", "get_products", b'{"ids": [1], "ids": "x"}'),
    ("catalog", "get_products", b"[" * 100_000),
]


YEAR_1, YEAR_9999 = "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00"
# Arguments at the edges, each with the status it must get (through the server's code, in-process).
EDGES = [
    ("orders", "figures", {"since": "0001-01-01T00:00:00+14:00"}, 400),  # not a UTC time
    ("orders", "figures", {"since": YEAR_1, "per_minute_since": YEAR_9999}, 200),
    ("orders", "figures", {"since": YEAR_9999, "per_minute_since": YEAR_1}, 422),  # > a day back
    ("payments", "figures", {"since": YEAR_9999}, 200),
    ("catalog", "figures", {"since": YEAR_1}, 200),
    ("cart", "item_count", {"customer_id": 2**63 - 1}, 200),
    ("cart", "item_count", {"cart_id": "x" * 10_000}, 200),
    (
        "cart",
        "merge_cart",
        {"cart_id": "5f0c6a1e-8d4b-4c7e-9a55-0c2f7d3e9b11", "customer_id": 0},
        200,
    ),
    ("cart", "merge_cart", {"cart_id": "\x00", "customer_id": 1}, 400),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "method", "arguments", "status"), EDGES, ids=range(len(EDGES)))
def test_arguments_at_the_edges_get_a_problem_or_an_answer(
    loopback, service, method, arguments, status
):
    answer = loopback.post(service, method, arguments)
    assert_answered(answer)
    assert answer.status == status, answer.body[:300]


@pytest.mark.parametrize(("service", "method", "arguments"), NASTY, ids=range(len(NASTY)))
def test_nasty_bodies_over_http_get_a_problem_or_an_answer(over_http, service, method, arguments):
    assert_answered(over_http.post(service, method, arguments))


@pytest.mark.django_db
@given(body=st.binary(max_size=40))
@example(body=b"")
@FUZZ
def test_random_bytes_at_health_never_get_a_5xx(loopback, body):
    request = loopback.request("catalog", "health", body, http_method="GET")
    assert_answered(loopback.send(request))
