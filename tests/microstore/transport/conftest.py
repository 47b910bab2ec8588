"""Hand-made internal requests, sent over real HTTP to the live server or through `dispatch`.

`Internal.post` builds the request a correct client would send (JSON body, signed as `caller`
with the shop's secret) and lets a test change any part of it before, or after, signing: the
security tests alter one thing at a time and check that the server refuses it and did nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from django.conf import settings

from microstore.problems import PROBLEM_JSON
from microstore.transport import server, signing
from microstore.transport.server import PREFIX, Incoming
from tests.microstore.transport.remote import closed_port, remote  # noqa: F401  # fixtures

JSON_TYPE = "application/json"


@dataclass
class Request:
    """One internal request, as bytes and headers (what crosses the wire)."""

    method: str
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str | None:
        """The problem's `code` (None for an answer that is not a problem)."""
        if self.content_type != PROBLEM_JSON:
            return None
        return str(self.json()["code"])


def signed(
    method: str,
    path: str,
    body: bytes,
    *,
    caller: str = "microstore",
    secret: str | None = None,
    now: float | None = None,
) -> Request:
    """The request a client of `caller` would send, signed with `secret` (the shop's own)."""
    headers = signing.sign(
        settings.INTERNAL_SECRET if secret is None else secret,
        method=method,
        path=path,
        caller=caller,
        body=body,
        now=now,
    )
    return Request(method, path, body, {**headers, "Content-Type": JSON_TYPE})


def encode(arguments: dict[str, Any] | bytes) -> bytes:
    return arguments if isinstance(arguments, bytes) else json.dumps(arguments).encode()


class Internal:
    """Sends internal requests to one face of the server: `http` (the live server, through a
    socket) or `loopback` (`server.dispatch`, the bytes handed over in this thread)."""

    def __init__(self, kind: str, base_url: str | None = None) -> None:
        self.kind = kind
        self.base_url = base_url
        self._http = httpx.Client(trust_env=False, timeout=30) if base_url else None

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def request(
        self,
        service: str,
        method: str,
        arguments: dict[str, Any] | bytes = b"{}",
        *,
        caller: str = "microstore",
        http_method: str = "POST",
        **sign_options: Any,
    ) -> Request:
        """A correctly signed request for `service.method` (not sent)."""
        path = f"{PREFIX}{service}/{method}"
        return signed(http_method, path, encode(arguments), caller=caller, **sign_options)

    def post(
        self, service: str, method: str, arguments: dict[str, Any] | bytes = b"{}", **options: Any
    ) -> Answer:
        """Sign and send a call of `service.method` with `arguments` (a dict or raw bytes)."""
        return self.send(self.request(service, method, arguments, **options))

    def health(self, service: str, *, caller: str = "microstore") -> Answer:
        return self.send(signed("GET", f"{PREFIX}{service}/health", b"", caller=caller))

    def send(self, request: Request) -> Answer:
        if self._http is None:
            reply = server.dispatch(
                Incoming(request.method, request.path, request.headers, request.body)
            )
            return Answer(reply.status, reply.content_type, reply.body, reply.headers)
        response = self._http.request(
            request.method,
            f"{self.base_url}{request.path}",
            content=request.body,
            headers=request.headers,
        )
        return Answer(
            response.status_code,
            response.headers.get("content-type", ""),
            response.content,
            dict(response.headers),
        )


@pytest.fixture
def over_http(live_server: Any) -> Iterator[Internal]:
    """Internal requests to the live server (a transactional database: the server's threads
    see what a test commits)."""
    internal = Internal("http", str(live_server.url))
    yield internal
    internal.close()


@pytest.fixture
def loopback() -> Internal:
    """Internal requests handed to `server.dispatch` in this thread (the test's transaction)."""
    return Internal("loopback")


@pytest.fixture(
    params=[
        # The database mark rides on the parameter: HTTP needs a transactional database.
        pytest.param("http", marks=pytest.mark.django_db(transaction=True), id="http"),
        pytest.param("loopback", marks=pytest.mark.django_db, id="loopback"),
    ]
)
def internal(request: pytest.FixtureRequest) -> Iterator[Internal]:
    """Each face of the server in turn: the answers must be the same on both."""
    if request.param == "http":
        face = Internal("http", str(request.getfixturevalue("live_server").url))
    else:
        face = Internal("loopback")
    yield face
    face.close()


def assert_problem(answer: Answer, status: int, code: str) -> dict[str, Any]:
    """`answer` is an application/problem+json of `status` with `code`; returns its body."""
    assert (answer.status, answer.content_type, answer.code) == (status, PROBLEM_JSON, code), (
        answer.body[:500]
    )
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    return body
