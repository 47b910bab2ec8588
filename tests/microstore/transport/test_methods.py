"""The contracts as data (`contracts.kernel.methods`) and who is calling (`caller.py`).

The transport is generated from these descriptions, so they must describe every method of
every Protocol exactly; and each method's retry safety is a decision the contract makes: the
set of methods never retried is written out here, so a new method forces that decision.
"""

from __future__ import annotations

import inspect
from typing import Any, get_type_hints

import pytest

from contracts.directory import CONTRACTS, ROOT
from contracts.kernel.methods import methods_of
from contracts.kernel.service import Service
from microstore.transport.caller import calling_service
from microstore.transport.client import HttpTransport, ServiceClient
from microstore.transport.signing import CALLER

NEVER_RETRIED = {("notifications", "resend")}
DECLARED_TIMEOUTS = {("payments", "start_payment"): 30, ("payments", "refund"): 30}
EVERY_METHOD = sorted(
    (service, name) for service, c in CONTRACTS.items() for name in methods_of(c.protocol)
)


def protocol_functions(protocol: type) -> dict[str, Any]:
    return {
        name: function
        for name, function in inspect.getmembers(protocol, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize("service", list(CONTRACTS))
def test_every_method_of_every_protocol_is_described(service):
    protocol = CONTRACTS[service].protocol
    functions = protocol_functions(protocol)

    described = methods_of(protocol)

    assert set(described) == set(functions)
    assert "health" in described
    for name, method in described.items():
        hints = get_type_hints(functions[name])
        parameters = list(inspect.signature(functions[name]).parameters.values())[1:]
        assert [p.name for p in method.params] == [p.name for p in parameters]
        assert [p.type for p in method.params] == [hints[p.name] for p in parameters]
        assert [p.default for p in method.params] == [p.default for p in parameters]
        assert method.returns == hints["return"]


def test_defaults_are_described_and_left_out_of_the_call():
    recent_failures = methods_of(CONTRACTS["notifications"].protocol)["recent_failures"]
    (limit,) = recent_failures.params

    assert (limit.name, limit.type, limit.default, limit.required) == ("limit", int, 10, False)
    assert recent_failures.encode_call((), {}) == {}
    assert recent_failures.decode_call({}) == {}
    assert recent_failures.encode_call((5,), {}) == {"limit": 5}


def test_positional_and_keyword_calls_encode_alike():
    reserve = methods_of(CONTRACTS["catalog"].protocol)["reserve_stock"]
    from contracts.catalog.dto import StockLine

    lines = (StockLine(7, 2),)
    positional = reserve.encode_call((lines, "ref-1", 600), {})
    keywords = reserve.encode_call((), {"ttl_seconds": 600, "reference": "ref-1", "lines": lines})

    assert positional == keywords == {
        "lines": [{"product_id": 7, "quantity": 2}], "reference": "ref-1", "ttl_seconds": 600,
    }  # fmt: skip
    assert reserve.decode_call(positional) == {"lines": lines, "reference": "ref-1",
                                               "ttl_seconds": 600}  # fmt: skip
    with pytest.raises(TypeError):
        reserve.encode_call((lines,), {"lines": lines})


def test_the_methods_never_retried_are_exactly_these():
    """Adding a method to a contract means deciding: read_only, idempotent, or listed here."""
    never = {(s, n) for s, n in EVERY_METHOD if not _method(s, n).retry_safe}
    assert never == NEVER_RETRIED


@pytest.mark.parametrize(("service", "name"), EVERY_METHOD, ids=[".".join(m) for m in EVERY_METHOD])
def test_each_method_declares_how_it_may_be_repeated(service, name):
    method = _method(service, name)
    function = protocol_functions(CONTRACTS[service].protocol)[name]

    assert method.repeat in ("read_only", "idempotent", None)
    assert method.retry_safe is (method.repeat is not None)
    assert method.timeout == DECLARED_TIMEOUTS.get((service, name))
    assert function.__doc__, f"{service}.{name} has no docstring to say what it promises"
    if name == "health":
        assert method.repeat == "read_only"
    if method.repeat == "idempotent":
        assert "dempotent" in function.__doc__, f"{service}.{name} does not say on what"


def test_every_contract_inherits_the_health_probe():
    for contract in CONTRACTS.values():
        assert Service in contract.protocol.__mro__
        assert contract.version.split(".")[0] == contract.major


def _method(service: str, name: str) -> Any:
    return methods_of(CONTRACTS[service].protocol)[name]


# Who is calling ----------------------------------------------------------------------------


RETURN_CALLER = "def run():\n    return calling_service()\n"


def as_module(module: str, source: str) -> Any:
    """A function `run` compiled as if it were written in `module` (its frames say so)."""
    namespace: dict[str, Any] = {"__name__": module, "calling_service": calling_service}
    exec(compile(source, f"<{module}>", "exec"), namespace)  # noqa: S102  # test-made frames
    return namespace["run"]


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("apps.orders.services.checkout", "orders"),
        ("apps.cart.facade", "cart"),
        ("apps.notifications.handlers", "notifications"),
        ("apps", ROOT),
        ("microstore.health", ROOT),
        ("tests.microstore.transport.test_methods", ROOT),
        ("applications.orders", ROOT),
    ],
)
def test_the_caller_is_the_app_whose_code_made_the_call(module, expected):
    run = as_module(module, RETURN_CALLER)
    assert run() == expected


def test_the_plumbing_between_an_app_and_the_call_is_skipped():
    """The transport, the measuring proxy and the contract accessors sit between the app and
    the call: the first frame outside them names the caller."""
    inner = as_module("microstore.transport.client", RETURN_CALLER)
    proxy = as_module("microstore.instrument", "def run(f):\n    return f()\n")
    accessor = as_module("contracts.catalog.service", "def run(p, f):\n    return p(f)\n")
    app = as_module("apps.cart.services", "def run(a, p, f):\n    return a(p, f)\n")

    assert app(accessor, proxy, inner) == "cart"
    assert accessor(proxy, inner) == ROOT


def test_a_process_that_is_a_service_calls_as_that_service_outside_any_app(settings):
    settings.MICROSTORE_IDENTITY = "catalog"
    run = as_module("microstore.management.commands.x", RETURN_CALLER)
    assert run() == "catalog"


def test_the_client_signs_as_the_app_that_calls(remote):
    remote.answer(200, [])
    catalog = ServiceClient("catalog", HttpTransport(remote.url))
    run = as_module("apps.cart.selectors", "def run(c):\n    return c.get_products((1,))\n")

    run(catalog)
    catalog.get_products((1,))

    assert [s.headers[CALLER] for s in remote.seen] == ["cart", ROOT]
