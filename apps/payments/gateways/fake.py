"""The fake gateway: Stripe test mode without the network, for development and tests.

It knows Stripe's test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined
(generic_decline), 4000 0000 0000 9995 fails for insufficient funds. As at Stripe, a declined
card leaves the intent open for another card. Intents live in our own Payment rows (the pay page
confirms them synchronously), so there is nothing to retrieve later.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.payments.gateways.base import GatewayRefund, Intent, gateway_key
from contracts.kernel.money import Money
from contracts.payments.dto import PaymentStatus

NAME = "fake"


@dataclass(frozen=True)
class CardOutcome:
    status: PaymentStatus
    decline_code: str = ""
    message: str = ""


TEST_CARDS: dict[str, CardOutcome] = {
    "4242424242424242": CardOutcome(PaymentStatus.SUCCEEDED),
    "4000000000000002": CardOutcome(
        PaymentStatus.REQUIRES_PAYMENT, "generic_decline", "Your card was declined."
    ),
    "4000000000009995": CardOutcome(
        PaymentStatus.REQUIRES_PAYMENT, "insufficient_funds", "Your card has insufficient funds."
    ),
}


class FakeGateway:
    """Implements `Gateway` in memory, deterministically."""

    name = NAME

    def create_intent(
        self, *, amount: Money, order_ref: str, payment_ref: str, email: str, key: str
    ) -> Intent:
        ref = "fake_pi_" + gateway_key("intent", key).rsplit("-", 1)[1][:24]
        return Intent(ref=ref, status=PaymentStatus.REQUIRES_PAYMENT)

    def retrieve_intent(self, ref: str) -> Intent:
        # The fake confirms on our own pay page, in the request: it never leaves a payment
        # in flight, so the only answer it can give is "waiting for the shopper".
        return Intent(ref=ref, status=PaymentStatus.REQUIRES_PAYMENT)

    def cancel_intent(self, ref: str, *, key: str) -> Intent:
        return Intent(ref=ref, status=PaymentStatus.CANCELED)

    def refund(self, *, intent_ref: str, amount: Money, reason: str, key: str) -> GatewayRefund:
        return GatewayRefund(
            ref="fake_re_" + gateway_key("refund", key).rsplit("-", 1)[1][:24],
            status="succeeded",
        )

    @staticmethod
    def confirm_card(number: str) -> CardOutcome | None:
        """What charging the test card `number` does; None for a card it does not know."""
        return TEST_CARDS.get(number)
