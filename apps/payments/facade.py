"""The in-process implementation of `contracts.payments`.

Payments go through the gateway chosen at start-up from the settings: Stripe when
STRIPE["secret"] is set, else the fake test-mode gateway. The shopper pays on our own pay page
(`pay_url`); outcomes reach orders as events, never as calls.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from apps.payments import selectors, services
from apps.payments.gateways import active_gateway
from apps.payments.models import Payment, Refund
from contracts.kernel.money import Money
from contracts.kernel.service import ServiceHealth, probe
from contracts.payments.dto import (
    PaymentCustomer,
    PaymentDTO,
    PaymentFigures,
    PaymentSession,
    PaymentStatus,
    RefundDTO,
)
from contracts.payments.errors import PaymentNotFound
from contracts.payments.service import SERVICE, VERSION


def payment_dto(payment: Payment) -> PaymentDTO:
    return PaymentDTO(
        payment_ref=payment.payment_ref,
        order_ref=payment.order_ref,
        status=PaymentStatus(payment.status),
        amount=Money(payment.amount, payment.currency),
        refunded=Money(payment.refunded, payment.currency),
        gateway=payment.gateway,
        failure_reason=payment.failure_reason,
        gateway_ref=payment.gateway_ref,
    )


def session_dto(payment: Payment) -> PaymentSession:
    return PaymentSession(
        payment_ref=payment.payment_ref,
        order_ref=payment.order_ref,
        status=PaymentStatus(payment.status),
        amount=Money(payment.amount, payment.currency),
        gateway=payment.gateway,
        client_secret=payment.client_secret or None,
        pay_url=reverse("payments:pay", args=[payment.payment_ref]),
    )


def _refund_dto(refund: Refund) -> RefundDTO:
    return RefundDTO(
        refund_ref=refund.refund_ref,
        payment_ref=refund.payment.payment_ref,
        amount=Money(refund.amount, refund.payment.currency),
        status=refund.status,
    )


class PaymentsFacade:
    """Implements `PaymentsService` over the active gateway."""

    def health(self) -> ServiceHealth:
        health = probe(SERVICE, VERSION, Payment.objects.exists)
        gateway = f"gateway: {active_gateway().name}"
        detail = f"{health.detail}; {gateway}" if health.detail else gateway
        return ServiceHealth(health.service, health.version, health.ok, detail)

    def start_payment(
        self, order_ref: str, amount: Money, customer: PaymentCustomer, idempotency_key: str
    ) -> PaymentSession:
        payment = services.payment_start(
            order_ref=order_ref, amount=amount, customer=customer,
            idempotency_key=idempotency_key,
        )  # fmt: skip
        return session_dto(payment)

    def refund(
        self, payment_ref: str, amount: Money, reason: str, idempotency_key: str
    ) -> RefundDTO:
        refund = services.payment_refund(
            payment_ref=payment_ref, amount=amount, reason=reason,
            idempotency_key=idempotency_key,
        )  # fmt: skip
        return _refund_dto(refund)

    def get_payment(self, order_ref: str) -> PaymentDTO:
        payment = Payment.objects.filter(order_ref=order_ref).order_by("-created_at", "-id").first()
        if payment is None:
            raise PaymentNotFound(f"no payment for order {order_ref!r}")
        return payment_dto(payment)

    def figures(self, since: datetime) -> PaymentFigures:
        return selectors.payment_figures(since=since)
