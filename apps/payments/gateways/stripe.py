"""The Stripe adapter: PaymentIntents with automatic payment methods, through `stripe.StripeClient`.

Amounts travel in minor units; every create carries a deterministic idempotency key derived from
ours (`gateway_key`), so retrying after a timeout replays the first intent or refund instead of
creating another. Errors are mapped onto the contract: no answer (network, timeout, 429, 5xx) is
`GatewayUnavailable`, a refused request is `PaymentRejected`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import stripe

from apps.payments.gateways.base import GatewayRefund, Intent
from contracts.kernel.money import Money
from contracts.payments.dto import PaymentStatus
from contracts.payments.errors import GatewayUnavailable, PaymentRejected

NAME = "stripe"
MAX_NETWORK_RETRIES = 2
TIMEOUT_SECONDS = 20

# Tests replace the transport only (a `stripe.HTTPClient` answering like Stripe's API); None is
# the SDK's own HTTP client.
http_client_factory: Callable[[], stripe.HTTPClient | None] = lambda: None  # noqa: E731


def plain(obj: Any) -> dict[str, Any]:
    """A Stripe object as a plain dict (stripe 16's objects are not dicts)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def intent_status(intent: dict[str, Any]) -> PaymentStatus:
    """Stripe's PaymentIntent status in our words. A payment method that failed sends the intent
    back to requires_payment_method with a last_payment_error: still open, for another card."""
    status = intent.get("status")
    if status == "succeeded":
        return PaymentStatus.SUCCEEDED
    if status == "processing":
        return PaymentStatus.PROCESSING
    if status == "canceled":
        return PaymentStatus.CANCELED
    return PaymentStatus.REQUIRES_PAYMENT


def to_intent(obj: Any) -> Intent:
    intent = plain(obj)
    error = intent.get("last_payment_error") or {}
    return Intent(
        ref=intent["id"],
        status=intent_status(intent),
        client_secret=intent.get("client_secret"),
        failure_code=str(error.get("decline_code") or error.get("code") or ""),
        failure_message=str(error.get("message") or ""),
        attempt_ref=_id(intent.get("latest_charge")),
    )


def _id(ref: Any) -> str:
    """An id Stripe sends either bare or as the expanded object."""
    if isinstance(ref, dict):
        ref = ref.get("id")
    return ref if isinstance(ref, str) else ""


@contextmanager
def _mapped_errors() -> Iterator[None]:
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise GatewayUnavailable(f"Stripe did not answer: {type(exc).__name__}") from exc
    except stripe.StripeError as exc:
        status = exc.http_status or 500
        if status >= 500 or isinstance(exc, stripe.AuthenticationError):
            raise GatewayUnavailable(f"Stripe failed: {type(exc).__name__} ({status})") from exc
        raise PaymentRejected(
            f"Stripe refused the request: {exc.user_message or type(exc).__name__}",
            details={"stripe_code": str(exc.code or "")},
        ) from exc


class StripeGateway:
    """Implements `Gateway` with Stripe's API."""

    name = NAME

    def __init__(self, secret: str) -> None:
        self.client = stripe.StripeClient(
            secret,
            http_client=http_client_factory(),
            max_network_retries=MAX_NETWORK_RETRIES,
        )

    def create_intent(
        self, *, amount: Money, order_ref: str, payment_ref: str, email: str, key: str
    ) -> Intent:
        params: dict[str, Any] = {
            "amount": amount.to_minor(),
            "currency": amount.currency.lower(),
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"order_ref": order_ref, "payment_ref": payment_ref},
            "description": f"Order {order_ref}",
        }
        if email:
            params["receipt_email"] = email
        with _mapped_errors():
            intent = self.client.v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]  # a TypedDict built step by step
                options={"idempotency_key": key},
            )
        return to_intent(intent)

    def retrieve_intent(self, ref: str) -> Intent:
        with _mapped_errors():
            return to_intent(self.client.v1.payment_intents.retrieve(ref))

    def cancel_intent(self, ref: str, *, key: str) -> Intent:
        with _mapped_errors():
            intent = self.client.v1.payment_intents.cancel(
                ref,
                params={"cancellation_reason": "abandoned"},
                options={"idempotency_key": key},
            )
        return to_intent(intent)

    def refund(self, *, intent_ref: str, amount: Money, reason: str, key: str) -> GatewayRefund:
        params = {
            "payment_intent": intent_ref,
            "amount": amount.to_minor(),
            "metadata": {"reason": reason[:500]},
        }
        with _mapped_errors():
            refund = self.client.v1.refunds.create(
                params=params,  # type: ignore[arg-type]  # see above
                options={"idempotency_key": key},
            )
        return GatewayRefund(ref=refund.id, status=str(refund.status or "pending"))
