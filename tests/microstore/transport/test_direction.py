"""The call direction of ARCHITECTURE.md rule 2, enforced by the server at run time.

The rule is written twice: as `calls` in `contracts.directory` (what the server checks) and as
import-linter's forbidden contracts in importlinter.ini (what the build checks). The tests here
read the ini as the reference, so the two cannot drift apart, and send a correctly signed call
for every pair of caller and service to see what the server answers.
"""

from __future__ import annotations

import configparser
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from apps.catalog.models import Reservation, Stock
from contracts.directory import CONTRACTS, ROOT
from tests.catalog.factories import ProductFactory
from tests.microstore.transport.conftest import assert_problem

INI = Path(__file__).resolve().parents[3] / "importlinter.ini"
SERVICES = tuple(CONTRACTS)


@cache
def forbidden_by_ini() -> dict[str, frozenset[str]]:
    """For each app, the services whose contract import-linter forbids it to import."""
    ini = configparser.ConfigParser()
    ini.read(INI)
    found: dict[str, frozenset[str]] = {}
    for section in ini.sections():
        contract = ini[section]
        if contract.get("type") != "forbidden" or not contract["name"].startswith("Call direction"):
            continue
        (source,) = contract["source_modules"].split()
        app = source.removeprefix("apps.")
        assert app not in found, f"two call-direction contracts for {app}"
        services = {m.removeprefix("contracts.").removesuffix(".service") for m in
                    contract["forbidden_modules"].split()}  # fmt: skip
        found[app] = frozenset(services)
    return found


def allowed_by_ini(caller: str) -> frozenset[str]:
    if caller == ROOT:
        return frozenset(SERVICES)
    return frozenset(SERVICES) - forbidden_by_ini()[caller]


def test_every_service_has_a_call_direction_contract_in_the_ini():
    assert set(forbidden_by_ini()) == set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_the_run_time_calls_are_exactly_what_import_linter_allows(service):
    allowed = frozenset(SERVICES) - forbidden_by_ini()[service] - {service}
    assert CONTRACTS[service].calls == allowed


@pytest.mark.django_db
@pytest.mark.parametrize("caller", [*SERVICES, ROOT])
def test_the_server_refuses_exactly_the_calls_the_ini_forbids(loopback, caller):
    """For each service a call with an argument no method has: an allowed caller gets as far as
    the arguments (400), a refused one is stopped before them (403)."""
    answers = {}
    for service in SERVICES:
        method = next(name for name in _methods(service) if name != "health")
        answers[service] = loopback.post(service, method, {"no_such_argument": 1}, caller=caller)

    allowed = {s for s, a in answers.items() if a.status == 400 and a.code == "invalid_arguments"}
    refused = {s for s, a in answers.items() if a.status == 403 and a.code == "call_not_allowed"}
    assert allowed == allowed_by_ini(caller) | ({caller} - {ROOT})
    assert refused == set(SERVICES) - allowed


def _methods(service: str) -> list[str]:
    from contracts.kernel.methods import methods_of

    return sorted(methods_of(CONTRACTS[service].protocol))


# Over HTTP, with the proof that a refused call did nothing ----------------------------------


@pytest.fixture
def mug(over_http: Any) -> Any:
    return ProductFactory(sku="MUG-1", stock=5)


def reserve(mug: Any) -> dict[str, Any]:
    return {
        "lines": [{"product_id": mug.pk, "quantity": 2}],
        "reference": "dir-ref-1",
        "ttl_seconds": 600,
    }


def test_notifications_may_not_read_an_order(over_http):
    refused = over_http.post("orders", "get_order", {"number": "MS-1"}, caller="notifications")
    asked_by_root = over_http.post("orders", "get_order", {"number": "MS-1"})

    body = assert_problem(refused, 403, "call_not_allowed")
    assert "notifications may not call orders" in body["detail"]
    assert_problem(asked_by_root, 404, "order_not_found")  # the method itself was reachable


def test_payments_may_not_reserve_stock_and_nothing_is_held(over_http, mug):
    refused = over_http.post("catalog", "reserve_stock", reserve(mug), caller="payments")

    assert_problem(refused, 403, "call_not_allowed")
    assert Stock.objects.get(product=mug).reserved == 0
    assert not Reservation.objects.exists()


def test_orders_may_reserve_stock(over_http, mug):
    served = over_http.post("catalog", "reserve_stock", reserve(mug), caller="orders")

    assert served.status == 200
    assert served.json()["reference"] == "dir-ref-1"
    assert Stock.objects.get(product=mug).reserved == 2


def test_cart_may_read_products(over_http, mug):
    served = over_http.post("catalog", "get_products", {"ids": [mug.pk]}, caller="cart")

    assert served.status == 200
    assert [p["sku"] for p in served.json()] == ["MUG-1"]


def test_a_service_may_call_itself(over_http, mug):
    served = over_http.post("catalog", "get_products", {"ids": [mug.pk]}, caller="catalog")
    assert served.status == 200


@pytest.mark.parametrize("caller", ["mallory", "", "Orders", "apps.orders"])
def test_a_caller_that_is_no_service_of_the_shop_is_refused(over_http, mug, caller):
    refused = over_http.post("catalog", "reserve_stock", reserve(mug), caller=caller)

    assert refused.status in (401, 403)
    assert refused.code == ("unsigned" if caller == "" else "unknown_caller")
    assert Stock.objects.get(product=mug).reserved == 0
    assert not Reservation.objects.exists()


def test_health_answers_any_service_of_the_shop_but_not_an_outsider(over_http):
    asked_by_payments = over_http.health("orders", caller="payments")
    asked_by_outsider = over_http.health("orders", caller="mallory")

    assert asked_by_payments.status == 200
    assert asked_by_payments.json()["service"] == "orders"
    assert_problem(asked_by_outsider, 403, "unknown_caller")
