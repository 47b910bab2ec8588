"""Each process's own view of itself, and asking the other processes of the split shop for theirs.

Every process keeps its own ops tables: the samples of the requests it served and the calls it
made, its error log, its outbox and its task queue. The front draws `/ops/` and
`manage.py last_errors` gathers errors from all of them, so each process answers, over the
transport, three operations of the composition root's (only ROOT may ask them, signed like
every internal call, `microstore.transport.server`):

- `GET /internal/<service>/ops/readings`: `view()`, the last minutes of requests it served,
  its outbox and task queue, its dead deliveries and how many errors it logged;
- `POST /internal/<service>/ops/errors` `{"request_id": "...", "limit": 20}`: its error log;
- `POST /internal/<service>/ops/replay` `{"ids": [1, 2]}`: replay dead deliveries of its outbox.

In the monolith (every service served here) nothing is asked: the board reads this process.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from contracts.kernel.registry import registry
from microstore import context
from microstore.middleware import REQUEST_ID_HEADER
from microstore.ops import figures, readings
from microstore.ops.models import BUCKET_FIELDS, ErrorRecord
from microstore.ops.readings import Stats
from microstore.outbox import delivery
from microstore.outbox.models import Delivery
from microstore.transport import client, event_client, signing
from microstore.transport.caller import calling_service
from microstore.transport.server import JSON_TYPE, OPS, PREFIX, answer_ops

logger = logging.getLogger(__name__)
READINGS, ERRORS, REPLAY = "readings", "errors", "replay"
OPERATIONS = {READINGS: "GET", ERRORS: "POST", REPLAY: "POST"}
MINUTES = 5  # the window of `view()`: the last complete minutes, like the services table
DEAD_SHOWN = 10
MAX_ERRORS = 1000
MAX_IDS = 100
TIMEOUT_SECONDS = 3.0


class BadRequest(ValueError):
    """The body of an ops request does not say what to do: answered 400."""


def name() -> str:
    """The service this process runs (MICROSTORE_ROLE), "microstore" for the monolith."""
    return str(settings.MICROSTORE_ROLE or "microstore")


# -- the answering side ----------------------------------------------------------------------


def view(now: datetime | None = None) -> dict[str, Any]:
    """This process's readings, as `GET …/ops/readings` answers them."""
    now = now or timezone.now()
    window_end = now - timedelta(minutes=1)  # complete minutes only
    served = readings.total(
        [readings.HTTP], readings.this_minute(window_end) - timedelta(minutes=MINUTES - 1)
    )
    outbox = figures.outbox(now)
    dead = (
        Delivery.objects.filter(status=Delivery.Status.DEAD)
        .select_related("event")
        .order_by("-updated_at")[:DEAD_SHOWN]
    )
    since = now - timedelta(minutes=MINUTES)
    return {
        "service": name(),
        "build": str(settings.MICROSTORE_BUILD),
        "process": f"{socket.gethostname()}:{os.getpid()}",
        "minutes": MINUTES,
        "requests": _stats_data(served),
        "outbox": asdict(outbox),
        "dead": [
            {
                "id": row.pk,
                "event_type": row.event.event_type,
                "subscriber": row.subscriber,
                "attempts": row.attempts,
                "request_id": row.event.request_id,
                "last_error": row.last_error[:500],
            }
            for row in dead
        ],
        "errors_logged": ErrorRecord.objects.filter(logged_at__gte=since).count(),
    }


def errors(request_id: str = "", limit: int = 20) -> list[dict[str, str]]:
    """The newest `limit` errors of this process's log (of one request when `request_id`)."""
    rows = ErrorRecord.objects.all()
    if request_id:
        rows = rows.filter(request_id=request_id)
    return [error_data(row) for row in rows[:limit]]


ERROR_FIELDS = ("level", "logger", "message", "exception", "request_id", "user_id", "route",
                "contract_call", "process")  # fmt: skip


def error_data(row: ErrorRecord) -> dict[str, str]:
    fields = {field_name: getattr(row, field_name) for field_name in ERROR_FIELDS}
    return {"logged_at": row.logged_at.isoformat(), "service": name()} | fields


def answer(operation: str, body: bytes) -> object:
    """What this process answers to `operation` with `body`; BadRequest for a body it cannot
    read (the transport has checked the signature, the caller and the HTTP method)."""
    if operation == READINGS:
        return view()
    data = _object(body)
    if operation == ERRORS:
        request_id = data.get("request_id", "")
        limit = data.get("limit", 20)
        if not isinstance(request_id, str) or len(request_id) > 128:
            raise BadRequest("request_id must be a string of at most 128 characters")
        if type(limit) is not int or not 1 <= limit <= MAX_ERRORS:
            raise BadRequest(f"limit must be a whole number from 1 to {MAX_ERRORS}")
        return {"errors": errors(request_id, limit)}
    ids = data.get("ids")
    if not isinstance(ids, list) or len(ids) > MAX_IDS or not all(_is_id(i) for i in ids):
        raise BadRequest(f"ids must be a list of at most {MAX_IDS} delivery ids")
    return {"replayed": delivery.replay(ids)}


def install() -> None:
    """Answer the ops operations on `/internal/` (called once, when the app is ready)."""
    for operation, http_method in OPERATIONS.items():
        answer_ops(operation, http_method, partial(answer, operation))


def _is_id(value: object) -> bool:
    return type(value) is int and 0 < value < 2**63  # a bigint primary key


def _object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("send a JSON object") from None
    if not isinstance(data, dict):
        raise BadRequest("send a JSON object")
    return data


def _stats_data(stats: Stats) -> dict[str, Any]:
    return {
        "calls": stats.calls,
        "refused": stats.refused,
        "failed": stats.failed,
        "seconds": stats.seconds,
        "buckets": list(stats.buckets),
    }


# -- the asking side -------------------------------------------------------------------------


class NoView(Exception):
    """A process did not answer an ops request usably; the message names it and why."""


@dataclass(frozen=True)
class DeadDelivery:
    id: int
    event_type: str
    subscriber: str
    attempts: int
    request_id: str
    last_error: str


@dataclass(frozen=True)
class ProcessView:
    """What one process of the split said of itself (`view()`)."""

    service: str  # the service bound to the process's address
    address: str
    build: str
    process: str
    requests: Stats
    outbox: figures.Outbox
    dead: tuple[DeadDelivery, ...] = field(default=())
    errors_logged: int = 0


def remote_services() -> dict[str, str]:
    """Every service bound to another process's URL: service → base URL."""
    return {
        service: binding.kind
        for service, binding in registry.bindings().items()
        if binding.kind.startswith(("http://", "https://"))
    }


def ask(service: str, operation: str, payload: object = None, address: str | None = None) -> Any:
    """One ops request to the process serving `service` (at `address`, else its binding's);
    NoView when it does not answer with JSON."""
    address = address or registry.bindings()[service].kind
    transport = event_client.transport_for(address)
    method = OPERATIONS[operation]
    path = f"{PREFIX}{service}/{OPS}/{operation}"
    body = b"" if method == "GET" else json.dumps(payload or {}).encode()
    headers = signing.sign(
        settings.INTERNAL_SECRET, method=method, path=path, caller=calling_service(), body=body
    ) | {"Content-Type": JSON_TYPE}
    if context.request_id.get() != "-":
        headers[REQUEST_ID_HEADER] = context.request_id.get()
    where = f"{service} at {transport.address}"
    try:
        reply = transport.send(method, path, body, headers, TIMEOUT_SECONDS)
    except client.NoAnswer as exc:
        raise NoView(f"{where} did not answer ({exc or 'timeout'})") from exc
    try:
        data = json.loads(reply.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise NoView(f"{where} answered HTTP {reply.status}, not JSON") from None
    if reply.status != 200:
        code = data.get("code") if isinstance(data, dict) else None
        raise NoView(f"{where} answered HTTP {reply.status} {code or ''}".rstrip())
    return data


def gather[T](services: Iterable[str], read: Callable[[str], T]) -> dict[str, T | NoView]:
    """`read(service)` for every service at once (threads: a slow process costs its timeout
    once, not once per process); the NoView of a process that did not answer in its place."""
    services = list(services)
    if not services:
        return {}

    def one(service: str) -> T | NoView:
        try:
            return read(service)
        except NoView as exc:
            return exc

    with ThreadPoolExecutor(max_workers=len(services), thread_name_prefix="ops-ask") as pool:
        futures = {s: pool.submit(copy_context().run, one, s) for s in services}
        return {service: future.result() for service, future in futures.items()}


def remote_view(service: str) -> ProcessView:
    """The readings of the process serving `service`; NoView when it does not answer them."""
    data = ask(service, READINGS)
    try:
        requests = data["requests"]
        outbox = data["outbox"]
        return ProcessView(
            service=service,
            address=registry.bindings()[service].address,
            build=str(data["build"]),
            process=str(data["process"]),
            requests=Stats(
                int(requests["calls"]),
                int(requests["refused"]),
                int(requests["failed"]),
                float(requests["seconds"]),
                _buckets(requests["buckets"]),
            ),
            outbox=figures.Outbox(
                deliveries={str(k): int(v) for k, v in outbox["deliveries"].items()},
                retried=int(outbox["retried"]),
                oldest_pending_seconds=float(outbox["oldest_pending_seconds"]),
                tasks={str(k): int(v) for k, v in outbox["tasks"].items()},
            ),
            dead=tuple(
                DeadDelivery(
                    int(row["id"]),
                    str(row["event_type"]),
                    str(row["subscriber"]),
                    int(row["attempts"]),
                    str(row["request_id"] or ""),
                    str(row["last_error"]),
                )
                for row in data["dead"]
            ),
            errors_logged=int(data["errors_logged"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise NoView(f"{service} answered readings this build cannot read ({exc!r})") from None


def _buckets(values: object) -> tuple[int, ...]:
    if not isinstance(values, list) or len(values) != len(BUCKET_FIELDS):
        raise ValueError("buckets")
    return tuple(int(v) for v in values)


def remote_views() -> dict[str, ProcessView | NoView]:
    """The readings of every other process, asked at once."""
    return gather(remote_services(), remote_view)


Errors = list[dict[str, str]]


def remote_errors(request_id: str = "", limit: int = 20) -> dict[str, Errors | NoView]:
    """The error logs of every other process, asked at once (one request's when `request_id`)."""

    def read(service: str) -> Errors:
        data = ask(service, ERRORS, {"request_id": request_id, "limit": limit})
        rows = data.get("errors") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise NoView(f"{service} answered errors this build cannot read")
        for row in rows:
            row.setdefault("service", service)
        return rows

    return gather(_one_per_process(), read)


def _one_per_process() -> list[str]:
    """One service per distinct address: a process serving two services is asked once."""
    seen: dict[str, str] = {}
    for service, url in remote_services().items():
        seen.setdefault(url.rstrip("/"), service)
    return list(seen.values())


def replay_remote(service: str, ids: list[int]) -> int:
    """Replay dead deliveries in the outbox of the process serving `service`."""
    data = ask(service, REPLAY, {"ids": ids})
    replayed = data.get("replayed") if isinstance(data, dict) else None
    if type(replayed) is not int:
        raise NoView(f"{service} answered a replay this build cannot read")
    return replayed


def logged_at(row: dict[str, str]) -> datetime:
    """When an error row (local or remote) was logged; the epoch when it does not say."""
    parsed = parse_datetime(str(row.get("logged_at", "")))
    return parsed or datetime.fromtimestamp(0, tz=timezone.get_current_timezone())
