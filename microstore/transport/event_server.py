"""The receiving side of an event delivered from another process: `POST /internal/<service>/events`.

The body is one delivery of the publisher's outbox, ``{"subscriber", "event_type", "version",
"event"}``, signed by the publishing service like a contract call. It is handled only when the
subscriber is one of this service's own (declared in `contracts.subscriptions` and its handler
loaded here) and the caller is the service that publishes that event type; then the handler
runs, once per request, and its answer says so. Handlers deduplicate by event id, so the same
delivery received twice (a retry after a lost answer, a replay) changes nothing twice.

What the publisher makes of each refusal (`microstore.transport.event_client`): a 4xx about the
event itself (a body that does not decode, an unknown event type or version, a subscriber that
is not ours, a caller that does not publish the event) will never be accepted and is parked as
dead at once; a failing handler (500 `handler_failed`) is retried like any delivery.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any

from contracts import subscriptions
from contracts.kernel import codec, events
from contracts.kernel.codec import DecodeError

logger = logging.getLogger(__name__)
EVENTS = "events"
FIELDS = frozenset({"subscriber", "event_type", "version", "event"})


class Refused(Exception):  # noqa: N818  # an answer, not a fault
    """Why this delivery is not handled: answered as a problem with this status and code."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.extra = extra


def receive(
    caller: str, service: str, http_method: str, body: bytes, *, served: bool
) -> dict[str, str]:
    """Run `service`'s handler for the delivered event (`served`: this process answers for
    `service`); what was handled, or `Refused`."""
    if not served:
        raise Refused(
            404,
            "unknown_service",
            "No such service here.",
            f"this process does not serve {service!r}",
        )
    if http_method != "POST":
        raise Refused(
            405, "method_not_allowed", "Method not allowed.", "events are delivered with POST"
        )
    envelope = _envelope(body)
    name = envelope["subscriber"]
    entry = subscriptions.declared(name)
    try:
        subscription = events.subscription(name)
    except KeyError:
        subscription = None
    if entry is None or entry.service != service or subscription is None:
        raise Refused(
            404,
            "unknown_subscriber",
            "No such subscriber here.",
            f"{service} has no subscriber {name!r}",
        )
    event_type = _event_type(envelope)
    if not subscriptions.may_deliver(caller, name, event_type):
        logger.warning(
            "event delivery refused: %s may not deliver %s to %s",
            caller,
            event_type.event_type(),
            name,
        )
        raise Refused(
            403,
            "delivery_not_allowed",
            "This service may not deliver that event here.",
            f"{name} takes {entry.event.event_type()} from {entry.publisher} only "
            f"(contracts/subscriptions.py), not {event_type.event_type()} from {caller}",
        )
    try:
        event = codec.decode(envelope["event"], event_type)
    except DecodeError as exc:
        raise Refused(
            400,
            "invalid_event",
            "The event does not fit its contract.",
            str(exc),
            {"errors": [{"field": exc.path, "message": exc.reason}]},
        ) from None
    try:
        subscription.handler(event)
    except Exception as exc:  # the publisher retries it, with the reason in its outbox
        logger.exception("handler %s failed on %s", name, event.event_id)
        reason = "".join(traceback.format_exception_only(exc)).strip()[:1000]
        raise Refused(500, "handler_failed", "The subscriber failed.", reason) from None
    return {"handled": name, "event_id": str(event.event_id)}


def _envelope(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        data = None
    if (
        not isinstance(data, dict)
        or set(data) != FIELDS
        or not isinstance(data["subscriber"], str)
        or not isinstance(data["event_type"], str)
        or type(data["version"]) is not int
        or not isinstance(data["event"], dict)
    ):
        raise Refused(
            400,
            "malformed_body",
            "The body is not an event delivery.",
            'send {"subscriber": str, "event_type": str, "version": int, "event": {...}}',
        )
    return data


def _event_type(envelope: dict[str, Any]) -> type[events.Event]:
    name, version = envelope["event_type"], envelope["version"]
    try:
        event_type = events.event_class(name)
    except KeyError:
        raise Refused(
            400,
            "unknown_event_type",
            "This process does not know that event.",
            f"no event type {name!r} here (an older build?)",
        ) from None
    if version != event_type.version:
        raise Refused(
            400,
            "unknown_event_version",
            "This process speaks another version of that event.",
            f"{name} version {version} was sent; this build reads version {event_type.version}",
        )
    return event_type
