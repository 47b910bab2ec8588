"""One request id follows a call across processes: the client sends `X-Request-ID`, the server
logs under it, echoes it and names it in its problems."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from contracts.catalog.errors import ProductNotFound
from contracts.kernel.errors import Unavailable
from microstore import context
from microstore.logs import ContextFilter
from microstore.transport.client import HttpTransport, ServiceClient

TRACE = "trace-7f3a.01"


@pytest.fixture
def traced() -> Iterator[str]:
    token = context.request_id.set(TRACE)
    yield TRACE
    context.request_id.reset(token)


def test_a_call_carries_the_request_id_it_was_made_under(remote, traced):
    remote.answer(200, [])

    ServiceClient("catalog", HttpTransport(remote.url)).get_products((1,))

    assert [s.headers.get("X-Request-ID") for s in remote.seen] == [TRACE]


def test_every_retry_carries_the_same_request_id(remote, settings, traced):
    settings.SERVICE_CALL_RETRIES = 2
    remote.answer(500, b"boom", "text/plain")

    with pytest.raises(Unavailable):
        ServiceClient("catalog", HttpTransport(remote.url)).get_products((1,))

    assert [s.headers.get("X-Request-ID") for s in remote.seen] == [TRACE] * 3


def test_a_call_outside_any_request_sends_no_request_id(remote):
    remote.answer(200, [])

    ServiceClient("catalog", HttpTransport(remote.url)).get_products((1,))

    assert "X-Request-ID" not in remote.seen[0].headers


def test_the_live_server_logs_the_callers_request_id(live_server, caplog, traced):
    caplog.handler.addFilter(ContextFilter())  # reads the context of the thread that logs
    catalog = ServiceClient("catalog", HttpTransport(str(live_server.url)))

    with (
        caplog.at_level(logging.WARNING, logger="django.request"),
        pytest.raises(ProductNotFound),
    ):
        catalog.get_product_by_slug("no-such-mug")

    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == ["Not Found: /internal/catalog/get_product_by_slug"]
    assert {r.request_id for r in records} == {TRACE}  # logged by the server's thread


def test_the_server_echoes_the_request_id_and_names_it_in_its_problems(over_http):
    request = over_http.request("catalog", "get_product_by_slug", {"slug": "no-such-mug"})
    request.headers["X-Request-ID"] = TRACE

    answer = over_http.send(request)

    assert answer.status == 404
    assert answer.headers["x-request-id"] == TRACE
    assert answer.json()["request_id"] == TRACE
