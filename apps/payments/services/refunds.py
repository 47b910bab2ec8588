"""Refunds through the gateway, with no row lock held while the gateway is asked.

    1. lock the payment, check what is left (counting refunds still `requested`), write the
       refund `requested` and its pending attempt; commit (the lock ends here)
    2. ask the gateway, with a key derived from ours (a retry replays the same refund)
    3. lock again, record the answer: the refund counted and PaymentRefunded published, or
       the refund `failed` and its amount free again

A refund whose answer never came (a timeout) stays `requested`, holding its amount so that no
other refund can overdraw the payment meanwhile, until the same key is retried (by its caller,
or by `refunds_resume` from the reconciliation job).
"""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from apps.payments.gateways import gateway_key
from apps.payments.models import Payment, Refund
from apps.payments.services.attempts import Op, Outcome, attempt_begin, attempt_finish, error_answer
from apps.payments.services.intents import can_move, gateway_of, locked
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.payments.dto import PaymentStatus
from contracts.payments.errors import GatewayUnavailable, PaymentRejected, RefundNotAllowed
from contracts.payments.events import PaymentRefunded

logger = logging.getLogger(__name__)
S = PaymentStatus
REFUNDABLE = frozenset({S.SUCCEEDED.value, S.PARTIALLY_REFUNDED.value})


def payment_refund(*, payment_ref: str, amount: Money, reason: str, idempotency_key: str) -> Refund:
    """Refund part or all of a succeeded payment through its gateway; idempotent on the key.
    Two refunds at once never refund more than was paid. Raises PaymentNotFound,
    RefundNotAllowed, GatewayUnavailable (the refund stays requested: retry with the same key),
    PaymentRejected (the gateway refused it)."""
    refund = _request(payment_ref, amount, reason, idempotency_key)
    if refund.status == Refund.FAILED:
        raise PaymentRejected(f"the gateway refused this refund: {refund.reason}")
    if refund.status != Refund.REQUESTED:
        return refund
    return refund_at_gateway(refund)


def _request(payment_ref: str, amount: Money, reason: str, idempotency_key: str) -> Refund:
    done = Refund.objects.select_related("payment").filter(idempotency_key=idempotency_key)
    if (refund := done.first()) is not None:
        return refund
    with transaction.atomic(durable=True):
        payment = locked(payment_ref)
        if (refund := done.first()) is not None:  # a twin request won while we waited
            return refund
        _check_refund(payment, amount)
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
        return Refund.objects.create(
            refund_ref=f"requested_{digest}",
            payment=payment,
            amount=amount.amount,
            reason=reason[:300],
            status=Refund.REQUESTED,
            idempotency_key=idempotency_key,
        )


def refund_at_gateway(refund: Refund) -> Refund:
    """Steps 2 and 3 for a `requested` refund: safe to repeat (the gateway key is the same)."""
    payment = refund.payment
    money = Money(refund.amount, payment.currency)
    key = gateway_key("refund", refund.idempotency_key)
    attempt = attempt_begin(
        payment_ref=payment.payment_ref, operation=Op.REFUND, key=key, amount=money
    )
    try:
        result = gateway_of(payment).refund(
            intent_ref=payment.gateway_ref, amount=money, reason=refund.reason, key=key
        )
    except GatewayUnavailable as exc:
        attempt_finish(attempt, Outcome.ERROR, response=error_answer(exc), message=str(exc))
        raise
    except PaymentRejected as exc:
        attempt_finish(attempt, Outcome.DECLINED, response=error_answer(exc), message=str(exc))
        _refused(refund, exc)
        raise
    with transaction.atomic(durable=True):
        attempt_finish(
            attempt, Outcome.SUCCEEDED, response={"refund": result.ref, "status": result.status}
        )
        payment = locked(payment.payment_ref)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.REQUESTED:  # a twin call recorded the same answer first
            return refund
        refund.refund_ref, refund.status = result.ref, result.status
        refund.save(update_fields=["refund_ref", "status"])
        record_refunded(payment, refund.amount)
    return refund


def _refused(refund: Refund, exc: PaymentRejected) -> None:
    with transaction.atomic(durable=True):
        locked(refund.payment.payment_ref)
        Refund.objects.filter(pk=refund.pk, status=Refund.REQUESTED).update(
            status=Refund.FAILED, reason=f"{refund.reason} — refused: {exc.message}"[:300]
        )
    logger.warning("refund %s refused by the gateway: %s", refund.idempotency_key, exc.message)


def record_refunded(payment: Payment, amount: Decimal) -> None:
    """Count `amount` as refunded on a locked payment and publish it."""
    payment.refunded += amount
    full = payment.refunded >= payment.amount
    to = S.REFUNDED if full else S.PARTIALLY_REFUNDED
    if can_move(S(payment.status), to):
        payment.status = to.value
    payment.save(update_fields=["refunded", "status", "updated_at"])
    publish(
        PaymentRefunded(
            order_ref=payment.order_ref,
            payment_ref=payment.payment_ref,
            amount=Money(amount, payment.currency),
            fully_refunded=full,
        )
    )


def in_flight(payment: Payment) -> Decimal:
    """What refunds asked of the gateway and not yet answered hold back (a locked payment)."""
    held = payment.refunds.filter(status=Refund.REQUESTED).aggregate(total=Sum("amount"))
    return held["total"] or Decimal(0)


def record_gateway_refund(*, gateway_ref: str, refunded_minor: int, event_id: str) -> bool:
    """A refund made at the gateway (Stripe's charge.refunded), inside the caller's transaction:
    record what we did not know yet. Our own refunds, counted or still in flight, are not
    counted twice."""
    payment = Payment.objects.select_for_update().filter(gateway_ref=gateway_ref).first()
    if payment is None or payment.status not in REFUNDABLE:
        return False
    total = Money.from_minor(refunded_minor, payment.currency).amount
    delta = min(total, payment.amount) - payment.refunded - in_flight(payment)
    if delta <= 0:
        return False
    Refund.objects.create(
        refund_ref=f"gateway:{event_id}",
        payment=payment,
        amount=delta,
        reason="refunded at the gateway",
        idempotency_key=f"webhook:{event_id}",
    )
    record_refunded(payment, delta)
    return True


def _check_refund(payment: Payment, amount: Money) -> None:
    if payment.status not in REFUNDABLE:
        raise RefundNotAllowed(f"payment {payment.payment_ref} is {payment.status}")
    if amount.currency != payment.currency or amount.amount <= 0:
        raise RefundNotAllowed("the refund must be a positive amount in the payment's currency")
    left = payment.amount - payment.refunded - in_flight(payment)
    if amount.amount > left:
        raise RefundNotAllowed(
            f"only {Money(left, payment.currency).format()} is left to refund",
            details={"refundable": str(left)},
        )


def refunds_resume(*, older_than: object, limit: int) -> int:
    """Ask the gateway again, with the same key, about refunds left `requested` by a call that
    never answered. Returns how many are settled now."""
    stuck = Refund.objects.select_related("payment").filter(
        status=Refund.REQUESTED, created_at__lt=older_than
    )
    settled = 0
    for refund in stuck.order_by("created_at")[:limit]:
        try:
            refund_at_gateway(refund)
        except (GatewayUnavailable, PaymentRejected) as exc:
            logger.warning("resuming refund %s: %s", refund.idempotency_key, exc)
            continue
        settled += 1
    return settled
