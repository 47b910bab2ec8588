"""Payment writes: open, settle, refund, reconcile.

Each write is its own transaction, and every status change publishes its event through the
outbox in that same transaction (a rollback sends nothing, a commit loses nothing). Statuses only
move forward (`FORWARD`): a late or duplicated gateway answer can never take a succeeded or
refunded payment back to processing or failed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from apps.payments.gateways import Intent, active_gateway, gateway_key, stripe_configured
from apps.payments.gateways.base import Gateway
from apps.payments.gateways.fake import NAME as FAKE
from apps.payments.gateways.fake import FakeGateway
from apps.payments.gateways.stripe import NAME as STRIPE
from apps.payments.models import Payment, Refund
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.payments.dto import PaymentCustomer, PaymentStatus
from contracts.payments.errors import (
    GatewayUnavailable,
    PaymentNotFound,
    PaymentRejected,
    RefundNotAllowed,
)
from contracts.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded

logger = logging.getLogger(__name__)
S = PaymentStatus

FORWARD: dict[S, frozenset[S]] = {
    S.REQUIRES_PAYMENT: frozenset({S.PROCESSING, S.SUCCEEDED, S.FAILED, S.CANCELED}),
    S.PROCESSING: frozenset({S.SUCCEEDED, S.FAILED, S.CANCELED}),
    # A declined Stripe intent may be paid with another card later: failed is not final.
    S.FAILED: frozenset({S.PROCESSING, S.SUCCEEDED, S.CANCELED}),
    S.SUCCEEDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.REFUNDED: frozenset(),
    S.CANCELED: frozenset(),
}
RECONCILE_AFTER = timedelta(minutes=5)
RECONCILE_WINDOW = timedelta(days=1)  # an intent nobody touched for a day was abandoned
RECONCILE_BATCH = 100


def can_move(current: S, to: S) -> bool:
    return to in FORWARD[current]


def payment_ref_for(idempotency_key: str) -> str:
    """Deterministic (a retry names the same payment at the gateway) and unguessable."""
    return (
        "pay_"
        + salted_hmac("payments.payment_ref", idempotency_key, algorithm="sha256").hexdigest()[:16]
    )


def payment_start(
    *, order_ref: str, amount: Money, customer: PaymentCustomer, idempotency_key: str
) -> Payment:
    """Open a payment (requires_payment) with an intent at the active gateway. Idempotent on the
    key; a gateway error records nothing (retrying with the same key is safe)."""
    if amount.amount <= 0:
        raise PaymentRejected("a payment must be for more than nothing")
    existing = Payment.objects.filter(idempotency_key=idempotency_key).order_by().first()  # unique
    if existing is not None:
        return existing
    gateway = active_gateway()
    payment_ref = payment_ref_for(idempotency_key)
    intent = gateway.create_intent(
        amount=amount, order_ref=order_ref, payment_ref=payment_ref, email=customer.email,
        key=gateway_key("intent", idempotency_key),
    )  # fmt: skip
    try:
        with transaction.atomic(durable=True):
            payment = Payment.objects.create(
                payment_ref=payment_ref, order_ref=order_ref, customer_id=customer.customer_id,
                email=customer.email, amount=amount.amount, currency=amount.currency,
                status=S.REQUIRES_PAYMENT.value, gateway=gateway.name, gateway_ref=intent.ref,
                client_secret=intent.client_secret or "", idempotency_key=idempotency_key,
            )  # fmt: skip
    except IntegrityError:  # the same key, at the same moment: answer with the winner's row
        return Payment.objects.get(idempotency_key=idempotency_key)
    logger.info("payment %s opened for %s at %s (%s)", payment_ref, order_ref, gateway.name,
                intent.ref)  # fmt: skip
    return payment


def _settle(payment: Payment, to: S, *, decline_code: str = "", reason: str = "") -> bool:
    """Move a locked payment to `to` and publish what it means; False when it may not move."""
    current = S(payment.status)
    if to is current or not can_move(current, to):
        return False
    payment.status = to.value
    fields = ["status", "updated_at"]
    if to in (S.FAILED, S.CANCELED):
        payment.failure_reason = (reason or "the payment was declined")[:300]
        payment.decline_code = (decline_code or to.value)[:60]
        fields += ["failure_reason", "decline_code"]
    payment.save(update_fields=fields)
    money = Money(payment.amount, payment.currency)
    if to is S.SUCCEEDED:
        publish(PaymentSucceeded(order_ref=payment.order_ref, payment_ref=payment.payment_ref,
                                 amount=money))  # fmt: skip
    elif to in (S.FAILED, S.CANCELED):
        publish(PaymentFailed(order_ref=payment.order_ref, payment_ref=payment.payment_ref,
                              reason=payment.failure_reason,
                              decline_code=payment.decline_code))  # fmt: skip
    logger.info("payment %s %s -> %s", payment.payment_ref, current.value, to.value)
    return True


def payment_apply_intent(*, gateway_ref: str, intent: Intent) -> Payment | None:
    """Bring our payment up to what the gateway says about its intent (return page,
    reconciliation). Never moves backwards. None when no payment has that intent."""
    with transaction.atomic(durable=True):
        return apply_intent(gateway_ref=gateway_ref, intent=intent)


def apply_intent(*, gateway_ref: str, intent: Intent) -> Payment | None:
    """`payment_apply_intent` inside the caller's transaction (the webhook stores its event id
    in the same one)."""
    payment = Payment.objects.select_for_update().filter(gateway_ref=gateway_ref).first()
    if payment is None:
        return None
    if not _settle(payment, intent.status, decline_code=intent.failure_code,
                   reason=intent.failure_message):  # fmt: skip
        Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now())
    return payment


def payment_pay_with_test_card(*, payment_ref: str, number: str) -> Payment:
    """The fake gateway's confirmation: charge a Stripe test card, settle, publish."""
    outcome = FakeGateway.confirm_card(number)
    if outcome is None:
        raise PaymentRejected("only Stripe's test cards work in test mode")
    with transaction.atomic(durable=True):
        payment = _locked(payment_ref)
        if payment.gateway != FAKE:
            raise PaymentRejected("this payment is not collected by the test-mode gateway")
        if S(payment.status) is S.REQUIRES_PAYMENT:
            _settle(payment, outcome.status, decline_code=outcome.decline_code,
                    reason=outcome.message)  # fmt: skip
    return payment


def _locked(payment_ref: str) -> Payment:
    try:
        return Payment.objects.select_for_update().get(payment_ref=payment_ref)
    except Payment.DoesNotExist:
        raise PaymentNotFound(f"no payment {payment_ref!r}") from None


def _gateway_of(payment: Payment) -> Gateway:
    if payment.gateway == STRIPE:
        if not stripe_configured():
            raise GatewayUnavailable("this payment went through Stripe, which is not configured")
        return active_gateway()
    return FakeGateway()  # the fake and the interim instant gateway refund locally


def payment_refund(*, payment_ref: str, amount: Money, reason: str, idempotency_key: str) -> Refund:
    """Refund part or all of a succeeded payment through its gateway; idempotent on the key.
    The payment row stays locked during the gateway call, so two refunds never overdraw it."""
    done = Refund.objects.select_related("payment").filter(idempotency_key=idempotency_key)
    if (refund := done.first()) is not None:
        return refund
    with transaction.atomic(durable=True):
        payment = _locked(payment_ref)
        if (refund := done.first()) is not None:  # a twin request won while we waited
            return refund
        _check_refund(payment, amount)
        result = _gateway_of(payment).refund(
            intent_ref=payment.gateway_ref, amount=amount, reason=reason,
            key=gateway_key("refund", idempotency_key),
        )  # fmt: skip
        refund = Refund.objects.create(
            refund_ref=result.ref, payment=payment, amount=amount.amount, reason=reason[:300],
            status=result.status, idempotency_key=idempotency_key,
        )  # fmt: skip
        _record_refunded(payment, amount.amount)
    return refund


def _record_refunded(payment: Payment, amount: Decimal) -> None:
    payment.refunded += amount
    full = payment.refunded >= payment.amount
    _move_refunded(payment, S.REFUNDED if full else S.PARTIALLY_REFUNDED)
    publish(
        PaymentRefunded(
            order_ref=payment.order_ref,
            payment_ref=payment.payment_ref,
            amount=Money(amount, payment.currency),
            fully_refunded=full,
        )  # fmt: skip
    )


def _move_refunded(payment: Payment, to: S) -> None:
    if can_move(S(payment.status), to):
        payment.status = to.value
    payment.save(update_fields=["refunded", "status", "updated_at"])


def record_gateway_refund(*, gateway_ref: str, refunded_minor: int, event_id: str) -> bool:
    """A refund made at the gateway (Stripe's charge.refunded), inside the caller's transaction:
    record what we did not know yet. Our own refunds are already counted and change nothing."""
    payment = Payment.objects.select_for_update().filter(gateway_ref=gateway_ref).first()
    if payment is None or S(payment.status) not in (S.SUCCEEDED, S.PARTIALLY_REFUNDED):
        return False
    total = Money.from_minor(refunded_minor, payment.currency).amount
    delta = min(total, payment.amount) - payment.refunded
    if delta <= 0:
        return False
    Refund.objects.create(
        refund_ref=f"gateway:{event_id}", payment=payment, amount=delta,
        reason="refunded at the gateway", idempotency_key=f"webhook:{event_id}",
    )  # fmt: skip
    _record_refunded(payment, delta)
    return True


def _check_refund(payment: Payment, amount: Money) -> None:
    refundable = {S.SUCCEEDED.value, S.PARTIALLY_REFUNDED.value}
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


def payments_reconcile(*, now: datetime | None = None) -> int:
    """Ask Stripe about payments that have waited over RECONCILE_AFTER and settle those whose
    intent moved on, so a lost webhook cannot leave an order unpaid. Returns how many moved.
    The fake gateway settles in the request and never leaves one waiting."""
    if not stripe_configured():
        return 0
    now = now or timezone.now()
    stuck = (
        Payment.objects.filter(
            gateway=STRIPE,
            status__in=(S.REQUIRES_PAYMENT.value, S.PROCESSING.value),
            updated_at__lt=now - RECONCILE_AFTER,
            created_at__gte=now - RECONCILE_WINDOW,
        )  # fmt: skip
        .exclude(gateway_ref="")
        .order_by("updated_at")[:RECONCILE_BATCH]
    )
    gateway, moved = active_gateway(), 0
    for payment in list(stuck):
        try:
            intent = gateway.retrieve_intent(payment.gateway_ref)
        except (GatewayUnavailable, PaymentRejected) as exc:
            logger.warning("reconciling %s: %s", payment.payment_ref, exc)
            continue
        before = payment.status
        settled = payment_apply_intent(gateway_ref=payment.gateway_ref, intent=intent)
        moved += settled is not None and settled.status != before
    return moved
