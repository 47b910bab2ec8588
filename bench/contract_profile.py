"""`python -m bench.contract_profile URL CALLS`: where an HTTP contract call's time goes, as JSON.

Run by `bench.contracts` against its keep-alive server. Two views of `catalog.get_products`
(20 ids):

- the client side under cProfile: CALLS calls over HTTP, split into encoding the arguments,
  signing, the HTTP library (httpx, httpcore, h11), waiting on the socket for the server's
  answer, and decoding the result (cProfile inflates small functions: read them as shares);
- the server side in this process, timed without a profiler: the same signed request answered
  by `transport.server.dispatch` alone (signature and nonce, codec, facade), by Django's WSGI
  handler with no middleware, and by the handler with the shop's whole MIDDLEWARE, as gunicorn
  runs it. The differences are Django's request handling and the middleware stack's cost.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import django

from bench.contract_calls import setup

ROUNDS = 4


def _entry(stats: dict[Any, Any], path: str, function: str) -> tuple[float, float]:
    """(total time, cumulative time) of the functions named so, in files ending with `path`."""
    own = cumulative = 0.0
    for (filename, _, name), (_, _, tottime, cumtime, _) in stats.items():
        if filename.endswith(path) and name == function:
            own, cumulative = own + tottime, cumulative + cumtime
    return own, cumulative


def client_profile(url: str, ids: tuple[int, ...], calls: int) -> dict[str, float]:
    """Milliseconds per call (under the profiler) of each part of the client's work."""
    from microstore.bindings import build

    catalog = build("catalog", url)
    for _ in range(100):
        catalog.get_products(ids)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        catalog.get_products(ids)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]  # untyped
    total = _entry(stats, "transport/client.py", "_call")[1]
    send = _entry(stats, "transport/client.py", "send")[1]
    wait = sum(
        _entry(stats, "~", f"<method '{name}' of '_socket.socket' objects>")[0]
        for name in ("recv", "recv_into", "send", "sendall")
    )
    parts = {
        "encode the arguments": _entry(stats, "kernel/methods.py", "encode_call")[1]
        + _entry(stats, "json/__init__.py", "dumps")[1],
        "sign": _entry(stats, "transport/signing.py", "sign")[1],
        "httpx, httpcore, h11 (their own work)": send - wait,
        "socket: send, then wait for the answer": wait,
        "decode the result": _entry(stats, "kernel/methods.py", "decode_result")[1]
        + _entry(stats, "json/__init__.py", "loads")[1],
    }
    parts["the rest of the client (headers, request id, reply)"] = total - sum(parts.values())
    return {name: seconds * 1000 / calls for name, seconds in parts.items()}


def _signed(ids: tuple[int, ...]) -> tuple[str, bytes, dict[str, str]]:
    from django.conf import settings

    from contracts.catalog.service import CatalogService
    from contracts.kernel.methods import methods_of
    from microstore.transport import signing
    from microstore.transport.server import JSON_TYPE, PREFIX

    method = methods_of(CatalogService)["get_products"]
    body = json.dumps(method.encode_call((ids,), {}), separators=(",", ":")).encode()
    path = f"{PREFIX}catalog/get_products"
    headers = signing.sign(
        settings.INTERNAL_SECRET, method="POST", path=path, caller="microstore", body=body
    )
    return path, body, {**headers, "Content-Type": JSON_TYPE}


def server_split(ids: tuple[int, ...], calls: int) -> dict[str, dict[str, float]]:
    """Per call, the medians of wall and CPU milliseconds: dispatch alone, the handler bare, the
    full stack."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory, override_settings

    from microstore.transport.server import Incoming, dispatch

    factory = RequestFactory()

    def direct() -> Callable[[], int]:
        path, body, headers = _signed(ids)
        return lambda: dispatch(Incoming("POST", path, headers, body)).status

    def through(handler: WSGIHandler) -> Callable[[], Callable[[], int]]:
        def prepare() -> Callable[[], int]:
            path, body, headers = _signed(ids)
            environ = factory.generic(
                "POST", path, body, headers["Content-Type"], headers=headers,
                SERVER_NAME="127.0.0.1",
            ).environ  # fmt: skip

            def call() -> int:
                response = handler(environ, lambda status, headers: None)
                response.close()  # request_finished, as gunicorn does
                return response.status_code

            return call

        return prepare

    with override_settings(MIDDLEWARE=[]):
        bare = WSGIHandler()
    variants = {
        "dispatch alone (signature + nonce, codec, facade)": direct,
        "Django's handler, no middleware": through(bare),
        "Django's handler, the shop's whole MIDDLEWARE": through(WSGIHandler()),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(ROUNDS):
        for name, prepare in variants.items():
            for _ in range(calls // ROUNDS):
                call = prepare()  # a fresh signature: each nonce is accepted once
                started, used = time.perf_counter(), time.process_time()
                status = call()
                cpu[name].append((time.process_time() - used) * 1000)
                samples[name].append((time.perf_counter() - started) * 1000)
                assert status == 200, (name, status)
    return {
        name: {"p50_ms": statistics.median(times), "cpu_ms": statistics.median(cpu[name])}
        for name, times in samples.items()
    }


def signing_cost(calls: int) -> dict[str, float]:
    """Milliseconds per call to sign, and to verify (HMAC, then the nonce added in Redis)."""
    from django.conf import settings

    from microstore.transport import signing

    body = b'{"ids":[' + b",".join(b"%d" % n for n in range(20)) + b"]}"
    secret = settings.INTERNAL_SECRET
    started = time.perf_counter()
    signed = [
        signing.sign(secret, method="POST", path="/internal/x/y", caller="microstore", body=body)
        for _ in range(calls)
    ]
    sign = time.perf_counter() - started
    started = time.perf_counter()
    for headers in signed:
        signing.verify(secret, headers, method="POST", path="/internal/x/y", body=body, max_age=30)
    verify = time.perf_counter() - started
    return {"sign_ms": sign * 1000 / calls, "verify_ms": verify * 1000 / calls}


def main(url: str, calls: int) -> None:
    django.setup()
    ids, _ = setup()
    print(json.dumps({  # noqa: T201
        "client": client_profile(url, ids, calls),
        "server": server_split(ids, calls),
        "signing": signing_cost(calls),
    }))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
