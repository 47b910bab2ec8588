"""The sending side of an event delivered to another process: one outbox delivery, one request.

`send` posts the delivery to `/internal/<service>/events` of the subscriber's service, signed as
the service that publishes the event (the receiver checks both), with the publishing request's
id, over HTTP to a service bound to a URL or through the server code of this process for one
bound `loopback` (the test suite's binding, which thus rehearses every delivery).

The outbox decides what happens next from what `send` raises:
- `DeliveryFailed`: no answer (refused connection, timeout), a 5xx, the handler failing, a
  refused signature (401: a key or a clock being changed) or a 408/429: retried with backoff,
  parked as dead after the last attempt;
- `Undeliverable`: any other 4xx. The receiver understood the request and refuses this event
  for good (a body it cannot decode, an event type or version it does not know, a subscriber
  that is not its own, a caller that does not publish the event, a process that does not
  serve the service): the same bytes would get the same answer, so it is parked as dead at
  once, for staff to replay once the receiver is fixed or upgraded.
"""

from __future__ import annotations

import json

from django.conf import settings

from microstore import context
from microstore.middleware import REQUEST_ID_HEADER
from microstore.problems import PROBLEM_JSON
from microstore.transport import signing
from microstore.transport.client import (
    HttpTransport,
    LoopbackTransport,
    NoAnswer,
    NoAnswerInTime,
    Transport,
)
from microstore.transport.event_server import EVENTS
from microstore.transport.server import JSON_TYPE, PREFIX, Reply

RETRIED_4XX = frozenset({401, 408, 429})


class DeliveryFailed(Exception):
    """The receiver did not take the event this time; worth another try later."""


class Undeliverable(DeliveryFailed):
    """The receiver refuses this event for good; another try would be refused alike."""


def transport_for(kind: str) -> Transport:
    """How to reach a service bound `kind` (``loopback`` or a base URL)."""
    return LoopbackTransport() if kind == "loopback" else HttpTransport(kind)


def send(
    transport: Transport,
    *,
    service: str,
    subscriber: str,
    event_type: str,
    version: int,
    payload: object,
) -> None:
    """Hand one delivery to `service`'s subscriber `subscriber`; returns once it was handled."""
    body = json.dumps(
        {"subscriber": subscriber, "event_type": event_type, "version": version, "event": payload},
        separators=(",", ":"),
    ).encode()
    path = f"{PREFIX}{service}/{EVENTS}"
    publisher = event_type.split(".", 1)[0]
    headers = signing.sign(
        settings.INTERNAL_SECRET, method="POST", path=path, caller=publisher, body=body
    )
    headers["Content-Type"] = JSON_TYPE
    if (request_id := context.request_id.get()) != "-":
        headers[REQUEST_ID_HEADER] = request_id
    where = f"{service} at {transport.address}"
    timeout = float(settings.OUTBOX_DELIVERY_TIMEOUT_SECONDS)
    try:
        reply = transport.send("POST", path, body, headers, timeout)
    except NoAnswerInTime:
        raise DeliveryFailed(f"{where} did not answer within {timeout:g}s") from None
    except NoAnswer as exc:
        raise DeliveryFailed(f"{where} is unreachable ({exc})") from None
    if reply.status == 200 and JSON_TYPE in reply.content_type:
        return
    code, detail = _problem(reply)
    if code == "handler_failed":  # the handler's own error first, as when it runs here
        raise DeliveryFailed(f"{detail} (raised by {subscriber} in {where})")
    refusal = DeliveryFailed
    if 400 <= reply.status < 500 and reply.status not in RETRIED_4XX:
        refusal = Undeliverable
    raise refusal(f"{where} answered {reply.status} {code}: {detail}"[:2000])


def _problem(reply: Reply) -> tuple[str, str]:
    """The `code` and `detail` of a problem answer (placeholders for anything else)."""
    try:
        data = json.loads(reply.body) if PROBLEM_JSON in reply.content_type else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return "no problem body", repr(reply.body[:200])
    return str(data.get("code")), str(data.get("detail") or data.get("title") or "")
