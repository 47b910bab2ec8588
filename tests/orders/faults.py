"""A real HTTP hop that misbehaves on demand, in front of a live server's /internal/ endpoints.

`FaultProxy` is a stdlib `ThreadingHTTPServer` on 127.0.0.1 (its own thread) that forwards each
request, headers and signed body untouched, to the upstream (pytest-django's `live_server`),
or fails it as its `mode` says, per contract method if `modes` names it:

- ``pass``: the upstream's answer, as it is;
- ``timeout``: forwarded, so the service DOES the work (stock really held, a payment intent
  really opened), then the answer is held past the client's timeout: the nastiest case;
- ``500``: an HTML 500 from the hop; the service never sees the request;
- ``garbage``: forwarded (the work is done), answered 200 with a body that is not the result:
  not JSON at all, then, to the next try, JSON of the wrong shape.

A service that is not running at all is an address where nothing listens: `closed_address()`.
`bound_to(service, url)` points this process's client of one service at such an address for a
block, then restores the binding it found.
"""

from __future__ import annotations

import http.client
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from contracts.kernel.registry import registry
from microstore import bindings
from microstore.instrument import instrumented

MODES = ("pass", "timeout", "500", "garbage")
HOP_HEADERS = {"host", "content-length", "connection", "keep-alive"}
GARBAGE = (b"<html><body>Bad gateway</body></html>", b'{"unexpected": ["shape"]}')


class FaultProxy:
    """Forwards to `upstream` (a base URL) or fails as `mode` / `modes[method]` say; `hold` is
    how long a ``timeout`` keeps its answer. `seen` lists (method, body) of every request."""

    def __init__(self, upstream: str, *, hold: float) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.hold = hold
        self.mode = "pass"
        self.modes: dict[str, str] = {}
        self.seen: list[tuple[str, bytes]] = []
        self._garbled = itertools.count()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def calls(self, method: str) -> list[bytes]:
        """The bodies of every request for `method` (a retry repeats the body exactly)."""
        with self._lock:
            return [body for name, body in self.seen if name == method]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the handler's side ----------------------------------------------------------------

    def answer(self, path: str, headers: Any, body: bytes) -> tuple[int, str, bytes]:
        method = path.rstrip("/").rsplit("/", 1)[-1]
        with self._lock:
            self.seen.append((method, body))
            mode = self.modes.get(method, self.mode)
        if mode == "500":
            return 500, "text/html", b"<h1>Internal Server Error</h1>"
        answered = self._forward(path, headers, body)
        if mode == "timeout":
            time.sleep(self.hold)  # the client has given up by now; the work is done
        elif mode == "garbage":
            return 200, "application/json", GARBAGE[next(self._garbled) % len(GARBAGE)]
        return answered

    def _forward(self, path: str, headers: Any, body: bytes) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
            connection.request("POST" if body else "GET", path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type", ""), response.read()
        finally:
            connection.close()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self._relay()

    def do_GET(self) -> None:
        self._relay()

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, content_type, answer = self.server.proxy.answer(  # type: ignore[attr-defined]
            self.path, self.headers, body
        )
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:  # the client stopped waiting (a timeout): nobody reads the answer
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  # stdlib's name
        pass


def closed_address() -> str:
    """A base URL where nothing listens: a service that is not running."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextmanager
def bound_to(service: str, url: str) -> Iterator[None]:
    """This process's calls to `service` go over HTTP to `url` inside the block.

    Methods that declare a longer wait (`answers_within(30)` on payments' writes) wait only
    SERVICE_CALL_TIMEOUT_SECONDS here: the client built for the block gets its own copy of the
    method table without the declaration (nothing shared is patched), so a timeout test takes
    a second, not half a minute, and still runs the client's real timeout and retry path."""
    found = registry.bindings()[service]

    def build() -> object:
        client = bindings.build(service, url)
        client._methods = {  # type: ignore[attr-defined]
            name: replace(method, timeout=None)
            for name, method in client._methods.items()  # type: ignore[attr-defined]
        }
        return client

    registry.bind(service, instrumented(service, build), kind=url)
    try:
        yield
    finally:
        registry.bind(service, found.provider, kind=found.kind)
