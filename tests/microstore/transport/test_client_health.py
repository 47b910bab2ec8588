"""`ServiceClient.health()` never raises: a remote that is down, sick, or speaks another major
version of the contract is reported `ok=False` with a detail naming what is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.directory import CONTRACTS
from contracts.kernel.errors import Unavailable
from microstore.transport.client import HttpTransport, ServiceClient

HEALTH = "/internal/catalog/health"


@pytest.fixture(autouse=True)
def quick(settings: Any) -> None:
    settings.SERVICE_CALL_TIMEOUT_SECONDS = 0.3


def probe(**changes: Any) -> dict[str, Any]:
    return {"service": "catalog", "version": "1.0", "ok": True, "detail": "",
            "contract": CONTRACTS["catalog"].version, "build": "b-42", **changes}  # fmt: skip


def test_a_healthy_remote_reports_ok_and_its_build(remote):
    remote.answer(200, probe())
    catalog = ServiceClient("catalog", HttpTransport(remote.url))

    health = catalog.health()

    assert (health.service, health.version, health.ok) == (
        "catalog", CONTRACTS["catalog"].version, True
    )  # fmt: skip
    assert catalog.build == "b-42"
    ((method, path),) = [(s.method, s.path) for s in remote.seen]
    assert (method, path) == ("GET", HEALTH)


def test_a_remote_that_is_down_is_not_ok_naming_its_address(closed_port):
    health = ServiceClient("catalog", HttpTransport(closed_port)).health()

    assert health.ok is False
    assert closed_port in health.detail


@pytest.mark.parametrize("address", ["http://[::1", "http://127.0.0.1:99999"])
def test_an_address_that_cannot_be_reached_is_not_ok_and_calls_are_unavailable(address):
    catalog = ServiceClient("catalog", HttpTransport(address))

    health = catalog.health()
    with pytest.raises(Unavailable) as raised:
        catalog.get_products((1,))

    assert (health.ok, address in health.detail) == (False, True)
    assert raised.value.details["address"] == address


def test_a_remote_of_another_major_version_is_not_ok_naming_it(remote):
    remote.answer(200, probe(contract="2.0", version="2.0", build="b-99"))

    health = ServiceClient("catalog", HttpTransport(remote.url)).health()

    assert health.ok is False
    assert health.version == "2.0"
    assert "speaks contract 2.0" in health.detail
    assert "needs 1.x" in health.detail


def test_a_newer_minor_version_is_compatible(remote):
    remote.answer(200, probe(contract="1.7"))
    assert ServiceClient("catalog", HttpTransport(remote.url)).health().ok is True


def test_a_remote_whose_own_probe_fails_is_not_ok_with_its_detail(remote):
    remote.answer(200, probe(ok=False, detail="OperationalError: no such table"))

    health = ServiceClient("catalog", HttpTransport(remote.url)).health()

    assert (health.ok, health.detail) == (False, "OperationalError: no such table")


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (500, b"<h1>Server Error</h1>", "text/html"),
        (200, b"not json", "application/json"),
        (200, b"[1, 2]", "application/json"),
        (401, b'{"status": 401, "code": "bad_signature"}', "application/problem+json"),
        (200, b"[" * 50_000, "application/json"),
    ],
    ids=["500-html", "garbage", "not-an-object", "refused", "deep"],
)
def test_a_remote_answering_nonsense_is_not_ok(remote, status, body, content_type):
    remote.answer(status, body, content_type)

    health = ServiceClient("catalog", HttpTransport(remote.url)).health()

    assert health.ok is False
    assert remote.url in health.detail


def test_a_remote_that_answers_too_late_is_not_ok(remote):
    remote.sleep(5)

    health = ServiceClient("catalog", HttpTransport(remote.url)).health()

    assert health.ok is False
    assert remote.url in health.detail
    assert remote.calls() == 1  # a probe is not retried: readiness wants the answer now
