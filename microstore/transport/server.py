"""The server side: every method of every service this process serves, generated from its
Protocol (`contracts.kernel.methods`), behind the signature and the call direction.

`dispatch` takes the request as bytes and answers as bytes, so the Django view (`internal_view`)
and the `loopback` transport share every step: authenticate, find the method, check the caller
may call it, decode the arguments, call the local facade, encode the result or the error.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from contracts.directory import CONTRACTS, ROOT, callers, may_call
from contracts.kernel.codec import DecodeError
from contracts.kernel.errors import ContractError
from contracts.kernel.methods import Method, methods_of
from microstore import context
from microstore.problems import PROBLEM_JSON, problem_body
from microstore.transport import event_server, signing

logger = logging.getLogger(__name__)
PREFIX = "/internal/"
JSON_TYPE = "application/json"

_providers: dict[str, Callable[[], object]] = {}
# `/internal/<service>/ops/<operation>`: the composition root asking this process about itself
# (`microstore.ops.processes`, which registers itself with `answer_ops`).
OPS = "ops"
_ops: dict[str, tuple[str, Callable[[bytes], object]]] = {}
_instances: dict[str, object] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Incoming:
    """A request as it arrived: `headers` is looked up case-insensitively by the caller."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def serve(service: str, provider: Callable[[], object]) -> None:
    """Answer `service` here with what `provider()` builds (its local facade), built once."""
    with _lock:
        _providers[service] = provider
        _instances.pop(service, None)


def answer_ops(operation: str, http_method: str, handler: Callable[[bytes], object]) -> None:
    """Answer `<http_method> /internal/<service>/ops/<operation>` with `handler(body)` (JSON);
    a `ValueError` it raises is a 400 naming the problem. Only ROOT may ask."""
    _ops[operation] = (http_method, handler)


def stop_serving(service: str) -> None:
    with _lock:
        _providers.pop(service, None)
        _instances.pop(service, None)


def served() -> tuple[str, ...]:
    """The services this process answers for."""
    return tuple(_providers)


def _implementation(service: str) -> object:
    instance = _instances.get(service)
    if instance is None:
        with _lock:
            instance = _instances.get(service)
            if instance is None:
                instance = _instances[service] = _providers[service]()
    return instance


class _Answer(Exception):
    """Stops dispatching with this reply."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply


def _problem(
    incoming: Incoming,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Reply:
    body = problem_body(
        status=status,
        code=code,
        title=title,
        detail=detail,
        instance=incoming.path,
        request_id=context.request_id.get(),
        extra=extra,
    )
    return Reply(status, _dumps(body), {"Content-Type": PROBLEM_JSON})


def _dumps(data: object) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def dispatch(incoming: Incoming) -> Reply:
    """Answer one internal request; never raises."""
    try:
        caller = _authenticate(incoming)
        if incoming.path.endswith(f"/{event_server.EVENTS}"):
            return _event(incoming, caller)
        if f"/{OPS}/" in incoming.path:
            return _operation(incoming, caller)
        service, method = _route(incoming, caller)
        if method.name == "health":
            return _health(service)
        kwargs = _arguments(incoming, method)
        return _call(incoming, service, method, kwargs)
    except _Answer as answer:
        return answer.reply


def _authenticate(incoming: Incoming) -> str:
    try:
        caller = signing.verify(
            settings.INTERNAL_SECRET,
            incoming.headers,
            method=incoming.method,
            path=incoming.path,
            body=incoming.body,
            max_age=settings.INTERNAL_MAX_AGE_SECONDS,
        )
    except signing.Refused as refused:
        logger.warning(
            "internal call refused (%s): %s %s", refused.code, incoming.method, incoming.path
        )
        raise _Answer(
            _problem(incoming, 401, refused.code, "The call is not authenticated.", refused.message)
        ) from None
    if caller not in callers():
        raise _Answer(
            _problem(
                incoming,
                403,
                "unknown_caller",
                "The caller is not a service of this shop.",
                f"{caller!r} is not a service",
            )
        )
    return caller


def _route(incoming: Incoming, caller: str) -> tuple[str, Method]:
    service, _, name = incoming.path.removeprefix(PREFIX).partition("/")
    contract = CONTRACTS.get(service)
    if contract is None or service not in _providers:
        raise _Answer(
            _problem(
                incoming,
                404,
                "unknown_service",
                "No such service here.",
                f"this process does not serve {service!r}",
            )
        )
    method = methods_of(contract.protocol).get(name)
    if method is None or "/" in name:
        raise _Answer(
            _problem(
                incoming,
                404,
                "unknown_method",
                "No such method.",
                f"{service} has no method {name!r}",
            )
        )
    expected = "GET" if method.name == "health" else "POST"
    if incoming.method != expected:
        raise _Answer(
            _problem(
                incoming,
                405,
                "method_not_allowed",
                "Method not allowed.",
                f"{service}.{name} is called with {expected}",
            )
        )
    if method.name != "health" and not may_call(caller, service):
        logger.warning("internal call refused: %s may not call %s.%s", caller, service, name)
        raise _Answer(
            _problem(
                incoming,
                403,
                "call_not_allowed",
                "This service may not call that one.",
                f"{caller} may not call {service} (ARCHITECTURE.md, rule 2)",
            )
        )
    return service, method


def _event(incoming: Incoming, caller: str) -> Reply:
    """`POST /internal/<service>/events`: an event from another process's outbox, for one of
    this service's subscribers (`microstore.transport.event_server`)."""
    service = incoming.path.removeprefix(PREFIX).removesuffix(f"/{event_server.EVENTS}")
    try:
        answer = event_server.receive(
            caller, service, incoming.method, incoming.body, served=service in _providers
        )
    except event_server.Refused as no:
        return _problem(incoming, no.status, no.code, no.title, no.detail, no.extra)
    return Reply(200, _dumps(answer), {"Content-Type": JSON_TYPE})


def _operation(incoming: Incoming, caller: str) -> Reply:
    """`/internal/<service>/ops/<operation>`: the process's own readings, errors or outbox, for
    the composition root only, for a service this process serves."""
    service, _, operation = incoming.path.removeprefix(PREFIX).partition(f"/{OPS}/")
    if service not in _providers:
        return _problem(
            incoming, 404, "unknown_service", "No such service here.",
            f"this process does not serve {service!r}",
        )  # fmt: skip
    found = _ops.get(operation)
    if found is None:
        return _problem(
            incoming, 404, "unknown_method", "No such method.",
            f"{service} has no ops operation {operation!r}",
        )  # fmt: skip
    http_method, handler = found
    if incoming.method != http_method:
        return _problem(
            incoming, 405, "method_not_allowed", "Method not allowed.",
            f"ops/{operation} is called with {http_method}",
        )  # fmt: skip
    if caller != ROOT:
        logger.warning(
            "internal call refused: %s may not ask %s ops/%s", caller, service, operation
        )
        return _problem(
            incoming, 403, "call_not_allowed", "This service may not call that one.",
            f"only the composition root asks a process about itself, not {caller}",
        )  # fmt: skip
    try:
        answer = handler(incoming.body)
    except ValueError as exc:
        return _problem(incoming, 400, "invalid_arguments", "The request is not valid.", str(exc))
    except Exception:
        logger.exception("internal ops/%s of %s failed", operation, service)
        return _problem(
            incoming, 500, "internal_error", "The service failed.",
            f"{service} ops/{operation} raised an unexpected error",
        )  # fmt: skip
    return Reply(200, _dumps(answer), {"Content-Type": JSON_TYPE})


def _arguments(incoming: Incoming, method: Method) -> dict[str, Any]:
    try:
        body = json.loads(incoming.body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[…"
        raise _Answer(
            _problem(
                incoming,
                400,
                "malformed_body",
                "The body is not JSON.",
                "send the arguments as a JSON object",
            )
        ) from None
    try:
        return method.decode_call(body)
    except DecodeError as exc:
        raise _Answer(
            _problem(
                incoming,
                400,
                "invalid_arguments",
                "The arguments do not fit the contract.",
                str(exc),
                {"errors": [{"field": exc.path, "message": exc.reason}]},
            )
        ) from None


def _call(incoming: Incoming, service: str, method: Method, kwargs: dict[str, Any]) -> Reply:
    try:
        result = getattr(_implementation(service), method.name)(**kwargs)
        body = _dumps(method.encode_result(result))
    except ContractError as exc:
        extra = {"details": dict(exc.details)} if exc.details else None
        return _problem(incoming, exc.status, exc.code, exc.title, exc.message, extra)
    except Exception:
        logger.exception("internal call %s.%s failed", service, method.name)
        return _problem(
            incoming,
            500,
            "internal_error",
            "The service failed.",
            f"{service}.{method.name} raised an unexpected error",
        )
    return Reply(200, body, {"Content-Type": JSON_TYPE})


def _health(service: str) -> Reply:
    """The service's own probe, its contract version and this build."""
    contract = CONTRACTS[service]
    method = methods_of(contract.protocol)["health"]
    try:
        health = getattr(_implementation(service), "health")()  # noqa: B009
        data = method.encode_result(health)
    except Exception as exc:  # health() must not raise; one that does is reported
        logger.exception("health of %s raised", service)
        data = {
            "service": service,
            "version": contract.version,
            "ok": False,
            "detail": f"{type(exc).__name__}: {exc}",
        }
    answer = {**cast(dict[str, Any], data), "contract": contract.version}
    answer["build"] = settings.MICROSTORE_BUILD
    return Reply(200, _dumps(answer), {"Content-Type": JSON_TYPE})


@csrf_exempt
def internal_view(request: HttpRequest, path: str) -> HttpResponse:
    """`/internal/<service>/<method>`: the HTTP face of `dispatch`."""
    reply = dispatch(
        Incoming(request.method or "", request.path_info, request.headers, request.body)
    )
    return HttpResponse(reply.body, status=reply.status, headers=reply.headers)
