"""A remote service that misbehaves on request: a real HTTP server on 127.0.0.1, in a thread.

A test tells it what to answer (`answer(status, body, content_type)`) or to sleep past the
client's timeout, then reads what it received (`seen`): how many attempts, with which headers.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from microstore.problems import PROBLEM_JSON


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Remote:
    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.status, self.body, self.content_type = 200, b"null", "application/json"
        self.delay = 0.0
        self.released = threading.Event()  # wakes sleeping handlers at teardown
        self._lock = threading.Lock()
        remote = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                remote._handle(self)

            def do_POST(self) -> None:
                remote._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # quiet: the test reads `seen`

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )  # a short poll: stopping it at teardown takes no half second

    def answer(self, status: int, body: Any, content_type: str = "application/json") -> None:
        """Answer every request so from now on (`body` as bytes, or JSON-encoded)."""
        self.status, self.content_type = status, content_type
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()

    def problem(self, status: int, code: str, **fields: Any) -> None:
        """Answer a problem+json with `code` (and `detail`, `details`...)."""
        self.answer(status, {"status": status, "code": code, "title": code, **fields}, PROBLEM_JSON)

    def sleep(self, seconds: float) -> None:
        self.delay = seconds

    def calls(self, path: str | None = None) -> int:
        return sum(1 for s in self.seen if path is None or s.path == path)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        with self._lock:
            self.seen.append(Seen(handler.command, handler.path, dict(handler.headers), body))
        if self.delay:
            self.released.wait(self.delay)
        try:
            handler.send_response(self.status)
            handler.send_header("Content-Type", self.content_type)
            handler.send_header("Content-Length", str(len(self.body)))
            handler.end_headers()
            handler.wfile.write(self.body)
        except OSError:  # the client gave up waiting and closed the socket
            pass

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def remote() -> Iterator[Remote]:
    server = Remote()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def closed_port() -> str:
    """The base URL of a port where nothing listens (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
