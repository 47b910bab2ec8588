"""What the payments service promises its callers."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast

from contracts.kernel.money import Money
from contracts.kernel.registry import registry
from contracts.kernel.service import Service, answers_within, idempotent, read_only
from contracts.payments.dto import (
    PaymentCustomer,
    PaymentDTO,
    PaymentFigures,
    PaymentSession,
    RefundDTO,
)

SERVICE = "payments"
VERSION = "1.1"  # 1.1: figures


class PaymentsService(Service, Protocol):
    """Payments through a gateway. Outcomes arrive as events (PaymentSucceeded, PaymentFailed,
    PaymentRefunded), never as calls into orders or cart."""

    @idempotent
    @answers_within(30)
    def start_payment(
        self, order_ref: str, amount: Money, customer: PaymentCustomer, idempotency_key: str
    ) -> PaymentSession:
        """Open a payment of `amount` for `order_ref` and say how to collect it.

        Idempotent on `idempotency_key`: the same key returns the same session and never creates
        a second charge or intent. Raises GatewayUnavailable (retry with the same key) and
        PaymentRejected."""
        ...

    @idempotent
    @answers_within(30)
    def refund(
        self, payment_ref: str, amount: Money, reason: str, idempotency_key: str
    ) -> RefundDTO:
        """Refund part or all of a succeeded payment. Idempotent on `idempotency_key`.
        Raises PaymentNotFound, RefundNotAllowed, GatewayUnavailable."""
        ...

    @read_only
    def get_payment(self, order_ref: str) -> PaymentDTO:
        """The latest payment of `order_ref`. Raises PaymentNotFound. Read-only."""
        ...

    @read_only
    def figures(self, since: datetime) -> PaymentFigures:
        """Payments at a glance, for the ops dashboard and `/metrics`: how many failed since
        `since` (the dashboard asks from midnight). One aggregate query. Read-only."""
        ...


def payments_service() -> PaymentsService:
    """The bound payments service (local facade, HTTP client or a test's fake)."""
    return cast(PaymentsService, registry.resolve(SERVICE))
