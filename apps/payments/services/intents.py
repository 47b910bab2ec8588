"""Payments from opening to their end: open, charge a card, record a decline, settle, abandon.

A declined card does not end a payment: as a Stripe PaymentIntent returns to
requires_payment_method, our payment stays `requires_payment`, with the decline recorded (on
the payment and as a gateway attempt) and no event: the shopper tries another card on the same
pay page. A payment ends as `succeeded`, or as `canceled` (abandoned by the shopper, its order
cancelled, or cancelled at Stripe), which publishes PaymentFailed.

Each write is its own transaction, and every status change publishes its event through the
outbox in that same transaction. Statuses only move forward (`FORWARD`). No gateway call is made
while a row lock is held: the attempt is recorded first, the call made, the answer recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from apps.payments.gateways import Intent, active_gateway, gateway_key, stripe_configured
from apps.payments.gateways.base import Gateway
from apps.payments.gateways.fake import NAME as FAKE
from apps.payments.gateways.fake import FakeGateway
from apps.payments.gateways.stripe import NAME as STRIPE
from apps.payments.models import GatewayAttempt, Payment
from apps.payments.services.attempts import (
    Op,
    Outcome,
    attempt_begin,
    attempt_finish,
    attempt_record,
    error_answer,
)
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.payments.dto import PaymentCustomer, PaymentStatus
from contracts.payments.errors import GatewayUnavailable, PaymentNotFound, PaymentRejected
from contracts.payments.events import PaymentFailed, PaymentSucceeded

logger = logging.getLogger(__name__)
S = PaymentStatus

FORWARD: dict[S, frozenset[S]] = {
    S.REQUIRES_PAYMENT: frozenset({S.PROCESSING, S.SUCCEEDED, S.FAILED, S.CANCELED}),
    S.PROCESSING: frozenset({S.SUCCEEDED, S.FAILED, S.CANCELED}),
    # `failed` is what declines left before they kept the payment open; such a Stripe intent
    # may still be paid with another card.
    S.FAILED: frozenset({S.PROCESSING, S.SUCCEEDED, S.CANCELED}),
    S.SUCCEEDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.REFUNDED: frozenset(),
    S.CANCELED: frozenset(),
}
# Where a decline may be recorded: the payment is open, or a payment in flight failed (Stripe
# sends a processing intent back to requires_payment_method when its bank refuses it).
DECLINABLE = frozenset({S.REQUIRES_PAYMENT, S.PROCESSING})


def can_move(current: S, to: S) -> bool:
    return to in FORWARD[current]


def payment_ref_for(idempotency_key: str) -> str:
    """Deterministic (a retry names the same payment at the gateway) and unguessable."""
    digest = salted_hmac("payments.payment_ref", idempotency_key, algorithm="sha256").hexdigest()
    return "pay_" + digest[:16]


def locked(payment_ref: str) -> Payment:
    try:
        return Payment.objects.select_for_update().get(payment_ref=payment_ref)
    except Payment.DoesNotExist:
        raise PaymentNotFound(f"no payment {payment_ref!r}") from None


def gateway_of(payment: Payment) -> Gateway:
    if payment.gateway == STRIPE:
        if not stripe_configured():
            raise GatewayUnavailable("this payment went through Stripe, which is not configured")
        return active_gateway()
    return FakeGateway()  # the fake and the interim instant gateway act locally


def payment_start(
    *, order_ref: str, amount: Money, customer: PaymentCustomer, idempotency_key: str
) -> Payment:
    """Open a payment (requires_payment) with an intent at the active gateway. Idempotent on the
    key; a gateway error records only the failed attempt (retrying with the same key is safe)."""
    if amount.amount <= 0:
        raise PaymentRejected("a payment must be for more than nothing")
    existing = Payment.objects.filter(idempotency_key=idempotency_key).order_by().first()  # unique
    if existing is not None:
        return existing
    gateway = active_gateway()
    payment_ref = payment_ref_for(idempotency_key)
    key = gateway_key("intent", idempotency_key)
    # Opening moves no money and its key replays it: one row written after the call will do.
    log = partial(attempt_begin, payment_ref=payment_ref, operation=Op.OPEN, key=key, amount=amount)
    try:
        intent = gateway.create_intent(
            amount=amount,
            order_ref=order_ref,
            payment_ref=payment_ref,
            email=customer.email,
            key=key,
        )
    except (GatewayUnavailable, PaymentRejected) as exc:
        log(outcome=Outcome.ERROR, message=str(exc), answer=error_answer(exc))
        raise
    log(outcome=Outcome.SUCCEEDED, answer={"intent": intent.ref})
    try:
        with transaction.atomic(durable=True):
            payment = Payment.objects.create(
                payment_ref=payment_ref,
                order_ref=order_ref,
                customer_id=customer.customer_id,
                email=customer.email,
                amount=amount.amount,
                currency=amount.currency,
                status=S.REQUIRES_PAYMENT.value,
                gateway=gateway.name,
                gateway_ref=intent.ref,
                client_secret=intent.client_secret or "",
                idempotency_key=idempotency_key,
            )
    except IntegrityError:  # the same key, at the same moment: answer with the winner's row
        return Payment.objects.get(idempotency_key=idempotency_key)
    logger.info(
        "payment %s opened for %s at %s (%s)", payment_ref, order_ref, gateway.name, intent.ref
    )
    return payment


def settle(payment: Payment, to: S, *, decline_code: str = "", reason: str = "") -> bool:
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
        publish(
            PaymentSucceeded(
                order_ref=payment.order_ref, payment_ref=payment.payment_ref, amount=money
            )
        )
    elif to in (S.FAILED, S.CANCELED):
        publish(
            PaymentFailed(
                order_ref=payment.order_ref,
                payment_ref=payment.payment_ref,
                reason=payment.failure_reason,
                decline_code=payment.decline_code,
            )
        )
    logger.info("payment %s %s -> %s", payment.payment_ref, current.value, to.value)
    return True


def record_decline(payment: Payment, *, code: str, reason: str) -> bool:
    """A locked payment's card was declined: keep it open for another card, say why on it,
    publish nothing. False when the payment is past being paid (a late, stale decline)."""
    if S(payment.status) not in DECLINABLE:
        return False
    payment.status = S.REQUIRES_PAYMENT.value
    payment.decline_code = (code or "card_declined")[:60]
    payment.failure_reason = (reason or "The card was declined.")[:300]
    payment.save(update_fields=["status", "decline_code", "failure_reason", "updated_at"])
    logger.info("payment %s: a card was declined (%s)", payment.payment_ref, payment.decline_code)
    return True


def payment_apply_intent(*, gateway_ref: str, intent: Intent, source: str) -> Payment | None:
    """Bring our payment up to what the gateway says about its intent (return page,
    reconciliation). Never moves backwards. None when no payment has that intent."""
    with transaction.atomic(durable=True):
        return apply_intent(gateway_ref=gateway_ref, intent=intent, source=source)


def apply_intent(*, gateway_ref: str, intent: Intent, source: str) -> Payment | None:
    """`payment_apply_intent` inside the caller's transaction (the webhook stores its event id
    in the same one). `source` names who told us, for the attempt it records."""
    payment = Payment.objects.select_for_update().filter(gateway_ref=gateway_ref).first()
    if payment is None:
        return None
    if intent.status is S.REQUIRES_PAYMENT and (intent.failure_code or intent.failure_message):
        _apply_decline(payment, intent, source)
    elif settle(
        payment, intent.status, decline_code=intent.failure_code, reason=intent.failure_message
    ):
        if intent.status is S.SUCCEEDED:
            key = f"charge:{intent.attempt_ref}" if intent.attempt_ref else source
            attempt_record(
                payment,
                Op.CONFIRM,
                key,
                Outcome.SUCCEEDED,
                response={"intent": intent.ref, "reported_by": source},
            )
    else:
        Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now())
    return payment


def _apply_decline(payment: Payment, intent: Intent, source: str) -> None:
    # One attempt per declined charge, however many of the webhook, the return page and the
    # reconciliation report it (Stripe names the charge; without it, the decline itself).
    key = (
        f"charge:{intent.attempt_ref}"
        if intent.attempt_ref
        else f"decline:{intent.ref}:{intent.failure_code}:{intent.failure_message[:40]}"
    )
    if GatewayAttempt.objects.filter(payment_ref=payment.payment_ref, key=key).exists():
        Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now())
        return
    if record_decline(payment, code=intent.failure_code, reason=intent.failure_message):
        attempt_record(
            payment,
            Op.CONFIRM,
            key,
            Outcome.DECLINED,
            code=intent.failure_code,
            message=intent.failure_message,
            response={"intent": intent.ref, "reported_by": source},
        )


@dataclass(frozen=True)
class CardAttempt:
    """What charging a card did: the payment after it, and the attempt (declined or not)."""

    payment: Payment
    attempt: GatewayAttempt | None  # None: nothing was tried (paid already, or cancelled)

    @property
    def declined(self) -> bool:
        return self.attempt is not None and self.attempt.outcome == Outcome.DECLINED


def payment_pay_with_test_card(*, payment_ref: str, number: str, attempt_key: str) -> CardAttempt:
    """The fake gateway's confirmation: charge a Stripe test card. A success settles and
    publishes; a decline keeps the payment open. Idempotent on `attempt_key` (one per card form
    shown): a double submit replays the first answer, and a paid payment is never charged again.
    """
    outcome = FakeGateway.confirm_card(number)
    if outcome is None:
        raise PaymentRejected("only Stripe's test cards work in test mode")
    key = gateway_key("confirm", f"{payment_ref}\x1f{attempt_key}")
    with transaction.atomic(durable=True):
        payment = locked(payment_ref)
        if payment.gateway != FAKE:
            raise PaymentRejected("this payment is not collected by the test-mode gateway")
        done = GatewayAttempt.objects.filter(payment_ref=payment_ref, key=key).first()
        if done is not None or S(payment.status) is not S.REQUIRES_PAYMENT:
            return CardAttempt(payment, done)
        if outcome.status is S.SUCCEEDED:
            attempt = attempt_record(
                payment, Op.CONFIRM, key, Outcome.SUCCEEDED, response={"card": number[-4:]}
            )
            settle(payment, S.SUCCEEDED)
        else:
            attempt = attempt_record(
                payment,
                Op.CONFIRM,
                key,
                Outcome.DECLINED,
                code=outcome.decline_code,
                message=outcome.message,
                response={"card": number[-4:]},
            )
            record_decline(payment, code=outcome.decline_code, reason=outcome.message)
    return CardAttempt(payment, attempt)


def payment_abandon(*, payment_ref: str, reason: str) -> Payment:
    """End an open payment nobody will pay: the intent is cancelled at the gateway (so no card
    can be charged on it any more), the payment becomes `canceled` and PaymentFailed is
    published. Idempotent; a payment already paid, in flight or ended is left as it is.
    Raises PaymentNotFound, GatewayUnavailable (nothing changed: try again)."""
    with transaction.atomic(durable=True):
        payment = locked(payment_ref)
        if S(payment.status) is not S.REQUIRES_PAYMENT:
            return payment
        key = gateway_key("cancel", payment.idempotency_key)
        money = Money(payment.amount, payment.currency)
        attempt = attempt_begin(payment_ref=payment_ref, operation=Op.CANCEL, key=key, amount=money)
    try:
        intent = gateway_of(payment).cancel_intent(payment.gateway_ref, key=key)
    except GatewayUnavailable as exc:
        attempt_finish(attempt, Outcome.ERROR, response=error_answer(exc), message=str(exc))
        raise
    except PaymentRejected as exc:  # it moved on at the gateway (paid meanwhile): follow it
        attempt_finish(attempt, Outcome.ERROR, response=error_answer(exc), message=str(exc))
        intent = gateway_of(payment).retrieve_intent(payment.gateway_ref)
        return (
            payment_apply_intent(
                gateway_ref=payment.gateway_ref, intent=intent, source=f"cancel:{payment_ref}"
            )
            or payment
        )
    with transaction.atomic(durable=True):
        attempt_finish(attempt, Outcome.SUCCEEDED, response={"intent": intent.ref})
        payment = locked(payment_ref)
        settle(payment, S.CANCELED, decline_code="canceled", reason=reason)
    return payment
