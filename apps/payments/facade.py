"""The in-process implementation of `contracts.payments`.

Until the payments issue brings the Stripe and test-card gateways, payments go through an
*instant* gateway: a payment succeeds as soon as it starts (PaymentSucceeded is published in
the same transaction) and refunds succeed at once. The contract, the idempotency and the events
are the real ones, so orders and notifications are built against what stays.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction

from apps.payments.models import Payment, Refund
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.kernel.service import ServiceHealth, probe
from contracts.payments.dto import (
    PaymentCustomer,
    PaymentDTO,
    PaymentSession,
    PaymentStatus,
    RefundDTO,
)
from contracts.payments.errors import PaymentNotFound, PaymentRejected, RefundNotAllowed
from contracts.payments.events import PaymentRefunded, PaymentSucceeded
from contracts.payments.service import SERVICE, VERSION

GATEWAY = "instant"


def _ref(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(10)}"


def _money(payment: Payment, amount: Decimal) -> Money:
    return Money(amount, payment.currency)


def payment_dto(payment: Payment) -> PaymentDTO:
    return PaymentDTO(
        payment_ref=payment.payment_ref,
        order_ref=payment.order_ref,
        status=PaymentStatus(payment.status),
        amount=_money(payment, payment.amount),
        refunded=_money(payment, payment.refunded),
        gateway=payment.gateway,
        failure_reason=payment.failure_reason,
    )


def session_dto(payment: Payment) -> PaymentSession:
    return PaymentSession(
        payment_ref=payment.payment_ref,
        order_ref=payment.order_ref,
        status=PaymentStatus(payment.status),
        amount=_money(payment, payment.amount),
        gateway=payment.gateway,
        client_secret=None,
        pay_url=None,
    )


class PaymentsFacade:
    """Implements `PaymentsService` with the instant gateway."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, Payment.objects.exists)

    def start_payment(
        self, order_ref: str, amount: Money, customer: PaymentCustomer, idempotency_key: str
    ) -> PaymentSession:
        if amount.amount <= 0:
            raise PaymentRejected("a payment must be for more than nothing")
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return session_dto(existing)
        try:
            with transaction.atomic(durable=True):
                payment = Payment.objects.create(
                    payment_ref=_ref("pay"), order_ref=order_ref, customer_id=customer.customer_id,
                    email=customer.email, amount=amount.amount, currency=amount.currency,
                    status=PaymentStatus.SUCCEEDED.value, gateway=GATEWAY,
                    idempotency_key=idempotency_key,
                )  # fmt: skip
                publish(
                    PaymentSucceeded(
                        order_ref=order_ref, payment_ref=payment.payment_ref, amount=amount
                    )
                )
        except IntegrityError:
            return session_dto(Payment.objects.get(idempotency_key=idempotency_key))
        return session_dto(payment)

    def refund(
        self, payment_ref: str, amount: Money, reason: str, idempotency_key: str
    ) -> RefundDTO:
        done = Refund.objects.select_related("payment").filter(idempotency_key=idempotency_key)
        if (refund := done.first()) is not None:
            return _refund_dto(refund)
        with transaction.atomic(durable=True):
            try:
                payment = Payment.objects.select_for_update().get(payment_ref=payment_ref)
            except Payment.DoesNotExist:
                raise PaymentNotFound(f"no payment {payment_ref!r}") from None
            _check_refund(payment, amount)
            payment.refunded += amount.amount
            full = payment.refunded == payment.amount
            payment.status = (
                PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
            ).value
            payment.save(update_fields=["refunded", "status", "updated_at"])
            refund = Refund.objects.create(
                refund_ref=_ref("re"), payment=payment, amount=amount.amount,
                reason=reason[:300], idempotency_key=idempotency_key,
            )  # fmt: skip
            publish(
                PaymentRefunded(
                    order_ref=payment.order_ref,
                    payment_ref=payment_ref,
                    amount=amount,
                    fully_refunded=full,
                )  # fmt: skip
            )
        return _refund_dto(refund)

    def get_payment(self, order_ref: str) -> PaymentDTO:
        payment = Payment.objects.filter(order_ref=order_ref).order_by("-created_at", "-id").first()
        if payment is None:
            raise PaymentNotFound(f"no payment for order {order_ref!r}")
        return payment_dto(payment)


def _check_refund(payment: Payment, amount: Money) -> None:
    refundable = {PaymentStatus.SUCCEEDED.value, PaymentStatus.PARTIALLY_REFUNDED.value}
    if payment.status not in refundable:
        raise RefundNotAllowed(f"payment {payment.payment_ref} is {payment.status}")
    if amount.currency != payment.currency or amount.amount <= 0:
        raise RefundNotAllowed("the refund must be a positive amount in the payment's currency")
    left = payment.amount - payment.refunded
    if amount.amount > left:
        raise RefundNotAllowed(
            f"only {Money(left, payment.currency).format()} is left to refund",
            details={"refundable": str(left)},
        )


def _refund_dto(refund: Refund) -> RefundDTO:
    return RefundDTO(
        refund_ref=refund.refund_ref,
        payment_ref=refund.payment.payment_ref,
        amount=Money(refund.amount, refund.payment.currency),
        status=refund.status,
    )
