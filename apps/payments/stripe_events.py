"""Stripe webhook bodies read into what we act on, or refused as unusable.

A body is checked whole before anything is written: the top level must be an event object
(`id`, `type`), and each event type we act on must carry the fields we read, with their types.
Anything else raises `UnusableEvent`, which the webhook answers 400. An event type we do not
handle needs nothing beyond its id and type: Stripe asks for a 2xx for those.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from contracts.payments.dto import PaymentStatus

MAX_ID = 100  # WebhookEvent.event_id's length; Stripe's ids are far shorter
# What each intent event means for our payment. A failed payment method does not end the
# intent (Stripe sends it back to requires_payment_method for another card): a decline.
INTENT_EVENTS: dict[str, PaymentStatus] = {
    "payment_intent.succeeded": PaymentStatus.SUCCEEDED,
    "payment_intent.payment_failed": PaymentStatus.REQUIRES_PAYMENT,
    "payment_intent.canceled": PaymentStatus.CANCELED,
    "payment_intent.processing": PaymentStatus.PROCESSING,
}
CHARGE_REFUNDED = "charge.refunded"


class UnusableEvent(ValueError):
    """A signed body we cannot act on; the message says why (for the log, never the payer)."""


@dataclass(frozen=True)
class StripeEvent:
    event_id: str
    type: str


@dataclass(frozen=True)
class IntentEvent(StripeEvent):
    intent_ref: str
    status: PaymentStatus
    failure_code: str
    failure_message: str
    attempt_ref: str  # the intent's latest charge: one per card tried


@dataclass(frozen=True)
class ChargeRefunded(StripeEvent):
    intent_ref: str  # "" for a charge made without a PaymentIntent: not ours
    refunded_minor: int


def parse(body: bytes) -> StripeEvent:
    """The event in `body` (already verified as signed by Stripe). Raises UnusableEvent."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise UnusableEvent(f"not JSON ({type(exc).__name__})") from None
    event = _dict(data, "the body")
    event_id = _text(event.get("id"), "id", limit=MAX_ID)
    kind = _text(event.get("type"), "type", limit=MAX_ID)
    if kind in INTENT_EVENTS:
        return _intent_event(event_id, kind, _object(event))
    if kind == CHARGE_REFUNDED:
        return _charge_refunded(event_id, kind, _object(event))
    return StripeEvent(event_id, kind)


def _intent_event(event_id: str, kind: str, obj: dict[str, Any]) -> IntentEvent:
    error = obj.get("last_payment_error")
    error = {} if error is None else _dict(error, "data.object.last_payment_error")
    code = error.get("decline_code") or error.get("code")
    return IntentEvent(
        event_id,
        kind,
        intent_ref=_text(obj.get("id"), "data.object.id", limit=MAX_ID),
        status=INTENT_EVENTS[kind],
        failure_code=_optional_text(code, "last_payment_error.code")[:60],
        failure_message=_optional_text(error.get("message"), "last_payment_error.message")[:300],
        attempt_ref=_charge_ref(obj.get("latest_charge")),
    )


def _charge_ref(charge: object) -> str:
    """`latest_charge` is an id, the expanded charge, or null before any card was tried."""
    if isinstance(charge, dict):
        charge = charge.get("id")
    return _optional_text(charge, "data.object.latest_charge")[:MAX_ID]


def _charge_refunded(event_id: str, kind: str, obj: dict[str, Any]) -> ChargeRefunded:
    refunded = obj.get("amount_refunded")
    if type(refunded) is not int or refunded < 0:  # bool is an int subclass: not an amount
        raise UnusableEvent("data.object.amount_refunded is not a whole number of minor units")
    intent = obj.get("payment_intent")
    intent_ref = "" if intent is None else _text(intent, "data.object.payment_intent", MAX_ID)
    return ChargeRefunded(event_id, kind, intent_ref=intent_ref, refunded_minor=refunded)


def _object(event: dict[str, Any]) -> dict[str, Any]:
    data = _dict(event.get("data"), "data")
    return _dict(data.get("object"), "data.object")


def _dict(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UnusableEvent(f"{what} is not an object")
    return value


def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise UnusableEvent(f"{what} is not a string of 1 to {limit} characters")
    return value


def _optional_text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UnusableEvent(f"{what} is not a string")
    return value
