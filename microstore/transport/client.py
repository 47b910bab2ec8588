"""The client side: one `ServiceClient` implements any service Protocol from its annotations.

Each call is encoded by the codec, signed as the calling service, sent with the request id and
a timeout, and answered with the decoded result or the very `ContractError` the facade raised
(rebuilt from its `code`, with the same `details`). When no answer comes (connection refused,
timeout, a 5xx that is not a contract error, garbage), a method the Protocol declares
`read_only` or `idempotent` is sent again with backoff; after that, or at once for any other
method, the call raises the kernel's `Unavailable` (`TimedOut` for a timeout).

Transports: `HttpTransport` (httpx: one pooled keep-alive client per process, per-request
timeouts, thread-safe, so gthread workers share it) and `LoopbackTransport`, which hands the
same signed bytes to `server.dispatch` in this process.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
from django.conf import settings

from contracts.directory import CONTRACTS
from contracts.kernel.codec import DecodeError
from contracts.kernel.errors import ContractError, TimedOut, Unavailable, error_class_for
from contracts.kernel.methods import Method, methods_of
from contracts.kernel.service import ServiceHealth
from microstore import context
from microstore.middleware import REQUEST_ID_HEADER
from microstore.problems import PROBLEM_JSON
from microstore.transport import signing
from microstore.transport.caller import calling_service
from microstore.transport.server import JSON_TYPE, PREFIX, Incoming, Reply, dispatch

logger = logging.getLogger(__name__)
HEALTH_TIMEOUT_SECONDS = 3.0
BACKOFF_SECONDS = 0.05


class NoAnswer(Exception):
    """The transport got no answer at all."""


class NoAnswerInTime(NoAnswer):
    """The transport gave up waiting for the answer."""


class Transport(Protocol):
    address: str

    def send(
        self, method: str, path: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> Reply:
        """Send one request; NoAnswer / NoAnswerInTime when nothing usable came back."""
        ...


class LoopbackTransport:
    """The server code of this process, called with the bytes HTTP would carry."""

    address = "loopback"

    def send(
        self, method: str, path: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> Reply:
        return dispatch(Incoming(method, path, headers, body))


_pool: httpx.Client | None = None
_pool_lock = threading.Lock()


def _shared_pool() -> httpx.Client:
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = httpx.Client(
                    # Idle connections are dropped after 2 s, before the services' gunicorn
                    # closes them (keepalive = 5 s): a call never goes out on a socket the
                    # other side is closing, which would fail a call that is not safe to retry.
                    limits=httpx.Limits(
                        max_connections=100, max_keepalive_connections=20, keepalive_expiry=2.0
                    ),
                    follow_redirects=False,
                    trust_env=False,  # internal calls never go through an outside proxy
                )
    return _pool


def _forget_pool() -> None:  # a forked child must not share its parent's sockets
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_pool)


class HttpTransport:
    """Requests to another process at `address` (a base URL), over the shared pool."""

    def __init__(self, address: str) -> None:
        self.address = address.rstrip("/")

    def send(
        self, method: str, path: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> Reply:
        try:
            response = _shared_pool().request(
                method,
                self.address + path,
                content=body,
                headers=headers,
                timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            )
        except httpx.TimeoutException as exc:
            raise NoAnswerInTime(type(exc).__name__) from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # InvalidURL is no HTTPError
            raise NoAnswer(f"{type(exc).__name__}: {exc}") from exc
        return Reply(
            response.status_code,
            response.content,
            {"Content-Type": response.headers.get("content-type", "")},
        )


class ServiceClient:
    """Answers like the service `service`'s facade, wherever `transport` reaches it."""

    def __init__(self, service: str, transport: Transport) -> None:
        self._service = service
        self._contract = CONTRACTS[service]
        self._methods = methods_of(self._contract.protocol)
        self._transport = transport
        self.address = transport.address
        self.build = "?"  # the remote's build, as its last health answer said

    def __repr__(self) -> str:
        return f"<{self._service} client at {self.address}>"

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = self._methods.get(name) if not name.startswith("_") else None
        if method is None:
            raise AttributeError(f"the {self._service} contract has no method {name!r}")

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(method, args, kwargs)

        call.__name__ = call.__qualname__ = name
        self.__dict__[name] = call
        return call

    # -- calls -----------------------------------------------------------------------------

    def _send(self, method: str, path: str, body: bytes, timeout: float) -> Reply:
        headers = signing.sign(
            settings.INTERNAL_SECRET,
            method=method,
            path=path,
            caller=calling_service(),
            body=body,
        )
        headers["Content-Type"] = JSON_TYPE
        request_id = context.request_id.get()
        if request_id != "-":
            headers[REQUEST_ID_HEADER] = request_id
        return self._transport.send(method, path, body, headers, timeout)

    def _call(self, method: Method, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        body = json.dumps(method.encode_call(args, kwargs), separators=(",", ":")).encode()
        path = f"{PREFIX}{self._service}/{method.name}"
        timeout = float(method.timeout or settings.SERVICE_CALL_TIMEOUT_SECONDS)
        attempts = 1 + (settings.SERVICE_CALL_RETRIES if method.retry_safe else 0)
        failure: Unavailable = Unavailable()
        for attempt in range(attempts):
            if attempt:
                time.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1) * (1 + random.random()))  # noqa: S311
            try:
                reply = self._send("POST", path, body, timeout)
            except NoAnswerInTime:
                failure = TimedOut(
                    f"{self._service}.{method.name} did not answer within {timeout:g}s",
                    details=self._where(method),
                )
            except NoAnswer as exc:
                failure = Unavailable(
                    f"{self._service} is unreachable at {self.address} ({exc})",
                    details=self._where(method),
                )
            else:
                answered, value = self._read(method, reply)
                if answered:
                    return value
                failure = value
            logger.warning("%s (attempt %d of %d)", failure.message, attempt + 1, attempts)
        raise failure

    def _where(self, method: Method) -> dict[str, str]:
        return {"service": self._service, "method": method.name, "address": self.address}

    def _read(self, method: Method, reply: Reply) -> tuple[bool, Any]:
        """(True, result) for an answer; raises the contract error the service answered with;
        (False, Unavailable) when the reply is no answer (worth another try if safe)."""
        try:
            data = json.loads(reply.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            data = None
        if reply.status == 200 and JSON_TYPE in reply.content_type:
            try:
                return True, method.decode_result(data)
            except DecodeError as exc:
                return False, self._garbage(method, reply, f"a result that does not decode: {exc}")
        problem = data if isinstance(data, dict) and PROBLEM_JSON in reply.content_type else None
        code = problem.get("code") if problem else None
        if isinstance(code, str) and _is_contract_code(code):
            details = problem.get("details") if problem else None
            message = (problem or {}).get("detail") or error_class_for(code).title
            raise error_class_for(code)(
                str(message), details=details if isinstance(details, dict) else None
            )
        if reply.status >= 500 or reply.status == 200:
            return False, self._garbage(method, reply, f"HTTP {reply.status}")
        # The transport itself refused the call (signature, direction, unknown method, body):
        # a configuration or version mismatch that another try will not mend.
        logger.error(
            "%s refused %s.%s: %s", self.address, self._service, method.name, reply.body[:300]
        )
        raise Unavailable(
            f"{self._service} refused the call ({reply.status} {code or 'no problem body'})",
            details={**self._where(method), "status": reply.status, "code": str(code)},
        )

    def _garbage(self, method: Method, reply: Reply, what: str) -> Unavailable:
        return Unavailable(
            f"{self._service}.{method.name} answered {what}",
            details={**self._where(method), "status": reply.status},
        )

    # -- health ----------------------------------------------------------------------------

    def health(self) -> ServiceHealth:
        """The remote's own probe, checked for a compatible contract version; never raises."""
        path = f"{PREFIX}{self._service}/health"
        timeout = min(HEALTH_TIMEOUT_SECONDS, float(settings.SERVICE_CALL_TIMEOUT_SECONDS))
        self.build = "?"  # until this answer says otherwise: no stale build for a remote gone
        try:
            reply = self._send("GET", path, b"", timeout)
            data = json.loads(reply.body)
        except NoAnswer as exc:
            return self._sick("?", f"unreachable at {self.address} ({exc or 'timeout'})")
        except (ValueError, UnicodeDecodeError, RecursionError):
            return self._sick("?", f"{self.address} answered HTTP {reply.status}, not JSON")
        if reply.status != 200 or not isinstance(data, dict):
            code = data.get("code") if isinstance(data, dict) else None
            return self._sick("?", f"{self.address} answered HTTP {reply.status} {code or ''}")
        remote = str(data.get("contract", "?"))
        build = self.build = str(data.get("build", "?"))
        if remote.split(".", 1)[0] != self._contract.major:
            return self._sick(
                remote,
                f"{self.address} speaks contract {remote}, this shop needs "
                f"{self._contract.major}.x (build {build})",
            )
        return ServiceHealth(
            self._service, remote, ok=data.get("ok") is True, detail=str(data.get("detail") or "")
        )

    def _sick(self, version: str, detail: str) -> ServiceHealth:
        return ServiceHealth(self._service, version, ok=False, detail=detail)


def _is_contract_code(code: str) -> bool:
    return error_class_for(code) is not ContractError or code == ContractError.code
