"""A stand-in for Stripe's API behind the REAL stripe SDK: only the transport is replaced.

`FakeStripeAPI` is a `stripe.HTTPClient` that keeps PaymentIntents and refunds in memory,
answers like Stripe (JSON bodies, error envelopes, idempotent replays on `Idempotency-Key`) and
records every request, so tests assert on what the SDK really sent over the wire.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe


@dataclass
class Sent:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


class FakeStripeAPI(stripe.HTTPClient):
    name = "fake-stripe-api"

    def __init__(self) -> None:
        super().__init__()
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.requests: list[Sent] = []
        self.replies: dict[str, tuple[str, int]] = {}  # idempotency key -> first answer
        self.failures: deque[str] = deque()  # "timeout", "500", "400" for the next requests
        self._ids = itertools.count(1)

    # What tests call -------------------------------------------------------------------------
    def fail_next(self, *kinds: str) -> None:
        self.failures.extend(kinds)

    def set_intent(self, intent_id: str, status: str, error: dict[str, Any] | None = None) -> None:
        self.intents[intent_id]["status"] = status
        self.intents[intent_id]["last_payment_error"] = error

    def posts(self, path: str) -> list[Sent]:
        return [r for r in self.requests if r.method == "post" and r.path == path]

    # The transport -----------------------------------------------------------------------------
    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, *, _usage: Any = None
    ) -> tuple[str, int, dict[str, str]]:
        path = urlsplit(url).path
        query = urlsplit(url).query
        body = post_data.decode() if isinstance(post_data, bytes) else (post_data or query)
        sent = Sent(method.lower(), path, dict(parse_qsl(body)), dict(headers or {}))
        self.requests.append(sent)
        if self.failures:
            failure = self.failures.popleft()
            if failure == "timeout":
                raise stripe.APIConnectionError("Request timed out", should_retry=True)
            if failure == "500":
                return self._error(500, "api_error", "Something went wrong on Stripe's end.")
            return self._error(400, "invalid_request_error", "Invalid currency: xyz.")
        key = sent.idempotency_key
        if key and key in self.replies:
            body_, status = self.replies[key]
            return body_, status, {"Idempotent-Replayed": "true"}
        body_, status, rheaders = self._route(sent)
        if key and sent.method == "post":
            self.replies[key] = (body_, status)
        return body_, status, rheaders

    def _route(self, sent: Sent) -> tuple[str, int, dict[str, str]]:
        if sent.method == "post" and sent.path == "/v1/payment_intents":
            return self._ok(self._create_intent(sent.params))
        if sent.method == "get" and sent.path.startswith("/v1/payment_intents/"):
            intent = self.intents.get(sent.path.rsplit("/", 1)[1])
            if intent is None:
                return self._error(404, "invalid_request_error", "No such payment_intent")
            return self._ok(intent)
        if sent.method == "post" and sent.path.endswith("/cancel"):
            return self._cancel_intent(sent.path.split("/")[3])
        if sent.method == "post" and sent.path == "/v1/refunds":
            return self._create_refund(sent.params)
        return self._error(404, "invalid_request_error", f"Unrecognized request URL {sent.path}")

    def _create_intent(self, params: dict[str, str]) -> dict[str, Any]:
        n = next(self._ids)
        intent_id = f"pi_test{n:04d}"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(params["amount"]),
            "amount_received": 0,
            "currency": params["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_abc{n}",
            "automatic_payment_methods": {
                "enabled": params.get("automatic_payment_methods[enabled]") == "true"
            },
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")
            },
            "last_payment_error": None,
        }
        self.intents[intent_id] = intent
        return intent

    def _cancel_intent(self, intent_id: str) -> tuple[str, int, dict[str, str]]:
        intent = self.intents.get(intent_id)
        if intent is None:
            return self._error(404, "invalid_request_error", "No such payment_intent")
        if intent["status"] in ("succeeded", "processing"):
            why = f"You cannot cancel this PaymentIntent: it is {intent['status']}."
            return self._error(400, "invalid_request_error", why)
        intent["status"] = "canceled"
        return self._ok(intent)

    def _create_refund(self, params: dict[str, str]) -> tuple[str, int, dict[str, str]]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return self._error(400, "invalid_request_error", "This PaymentIntent has no charge.")
        amount = int(params.get("amount") or intent["amount"])
        done = sum(
            r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]
        )
        if done + amount > intent["amount"]:
            return self._error(400, "invalid_request_error", "Refund exceeds the charge.")
        refund = {
            "id": f"re_test{next(self._ids):04d}",
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return self._ok(refund)

    @staticmethod
    def _ok(obj: dict[str, Any]) -> tuple[str, int, dict[str, str]]:
        return json.dumps(obj), 200, {"Request-Id": "req_test"}

    @staticmethod
    def _error(status: int, kind: str, message: str) -> tuple[str, int, dict[str, str]]:
        body = {"error": {"type": kind, "message": message}}
        return json.dumps(body), status, {"Request-Id": "req_test", "Stripe-Should-Retry": "false"}
