"""Remotes for tests: a service bound to a URL where nothing listens, or to a small real HTTP
server of another shop's build that speaks another major version of the contracts."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from contracts.kernel.registry import registry
from microstore import bindings
from microstore.instrument import instrumented

FOREIGN_CONTRACT = "2.0"
FOREIGN_BUILD = "other-shop-7"


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dead_url() -> str:
    return f"http://127.0.0.1:{closed_port()}"


@contextmanager
def bound_to(service: str, url: str) -> Iterator[str]:
    """Bind `service` to the HTTP client for `url` (measured, as `bindings` binds it) inside the
    block; the binding it had is restored after."""
    saved = registry.bindings()[service]
    registry.bind(service, instrumented(service, partial(bindings.build, service, url)), kind=url)
    try:
        yield url
    finally:
        registry.bind(service, saved.provider, kind=saved.kind)


class _Foreign(BaseHTTPRequestHandler):
    """Answers `GET /internal/<service>/health` as a shop on contract 2.0 would; anything else
    is a 404 problem. (It checks no signature: it only has to be somebody else.)"""

    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "internal" and parts[2] == "health":
            self._answer(200, "application/json", {
                "service": parts[1], "version": FOREIGN_CONTRACT, "ok": True, "detail": "",
                "contract": FOREIGN_CONTRACT, "build": FOREIGN_BUILD,
            })  # fmt: skip
        else:
            self._answer(404, "application/problem+json", {"status": 404, "code": "not_found"})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(404, "application/problem+json", {"status": 404, "code": "unknown_method"})

    def _answer(self, status: int, content_type: str, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # quiet
        pass


def foreign_shop() -> AbstractContextManager[str]:
    """A real HTTP server on 127.0.0.1 answering health with contract 2.0; yields its URL."""
    return serving(_Foreign)


class _Slow(_Foreign):
    """Takes `delay` seconds over every call."""

    delay = 1.0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        threading.Event().wait(self.delay)
        self._answer(200, "application/json", {})


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A caller that gave up waiting (a timeout test) closed its end: nothing to report."""


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering with `handler`, in a thread; yields its URL."""
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def slow_shop() -> AbstractContextManager[str]:
    """A real HTTP server that answers every call only after a second."""
    return serving(_Slow)


class _Process(_Foreign):
    """Another process of this shop's build: answers health on this shop's contracts and the
    ops operations with `answers` ({"readings": {...}, "errors": {...}, "replay": {...}}),
    keeping what it was asked in `answers["asked"]` ((method, path, body)). It checks no
    signature (the server's own tests do)."""

    answers: dict[str, Any] = {}

    def do_GET(self) -> None:
        self.answers.setdefault("asked", []).append(("GET", self.path, b""))
        parts = self.path.strip("/").split("/")
        if parts[-1] == "health":
            from contracts.directory import CONTRACTS

            version = CONTRACTS[parts[1]].version
            self._answer(200, "application/json", {
                "service": parts[1], "version": version, "ok": True, "detail": "",
                "contract": version, "build": "split-build-1",
            })  # fmt: skip
        else:
            self._ops(parts[-1])

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.answers.setdefault("asked", []).append(("POST", self.path, body))
        self._ops(self.path.rstrip("/").rsplit("/", 1)[-1])

    def _ops(self, operation: str) -> None:
        answer = self.answers.get(operation)
        if isinstance(answer, dict):
            self._answer(200, "application/json", answer)
        else:
            self._answer(404, "application/problem+json", {"status": 404, "code": "unknown_method"})


def split_process(answers: dict[str, Any]) -> AbstractContextManager[str]:
    """A real HTTP server standing for one process of the split (`_Process`); yields its URL.
    `answers` is shared with the server: change it to change what the process answers."""
    handler = type("Process", (_Process,), {"answers": answers})
    return serving(handler)
