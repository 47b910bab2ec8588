"""The gateway port: what the payments service needs from a payment provider.

Two adapters implement it: Stripe (`gateways.stripe`) and the fake test-mode gateway
(`gateways.fake`). Every call that creates something at the provider carries an idempotency key
derived deterministically from ours, so a retry never creates a second intent or refund.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from contracts.kernel.money import Money
from contracts.payments.dto import PaymentStatus


@dataclass(frozen=True)
class Intent:
    """The provider's view of one payment (a Stripe PaymentIntent)."""

    ref: str
    status: PaymentStatus
    client_secret: str | None = None
    failure_code: str = ""  # the last attempt's decline, while the intent waits for another
    failure_message: str = ""
    attempt_ref: str = ""  # the gateway's id of the last attempt (a Stripe charge), if known


@dataclass(frozen=True)
class GatewayRefund:
    ref: str
    status: str


class Gateway(Protocol):
    """A payment provider. Raises GatewayUnavailable (network, timeout, 5xx: nothing happened
    or the same key replays it) and PaymentRejected (the provider refused the request)."""

    name: str

    def create_intent(
        self, *, amount: Money, order_ref: str, payment_ref: str, email: str, key: str
    ) -> Intent:
        """Open a payment at the provider. Idempotent on `key`."""
        ...

    def retrieve_intent(self, ref: str) -> Intent:
        """Ask the provider where a payment stands. Read-only."""
        ...

    def cancel_intent(self, ref: str, *, key: str) -> Intent:
        """End a payment nobody paid: no card can be charged on it afterwards. Idempotent on
        `key`; PaymentRejected when it can no longer be cancelled (it succeeded meanwhile)."""
        ...

    def refund(self, *, intent_ref: str, amount: Money, reason: str, key: str) -> GatewayRefund:
        """Refund part or all of a succeeded payment. Idempotent on `key`."""
        ...


def gateway_key(kind: str, our_key: str) -> str:
    """The provider's idempotency key for `kind` ("intent", "cancel", "refund") of our own key:
    the same input always gives the same key, and it never exceeds Stripe's 255 characters."""
    digest = hashlib.sha256(f"{kind}\x1f{our_key}".encode()).hexdigest()[:40]
    return f"microstore-{kind}-{digest}"
