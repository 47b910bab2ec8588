"""The gateway transaction log: every attempt to move money, its key and the gateway's answer.

`attempt_begin` is written (and committed, when no transaction is open) before the gateway is
called; `attempt_finish` records what came back. A call that never answered stays `pending`,
with its key, so the retry that replays it at the gateway can be matched to it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.payments.models import GatewayAttempt, Payment
from contracts.kernel.money import Money

Op = GatewayAttempt.Operation
Outcome = GatewayAttempt.Outcome


def attempt_begin(
    *,
    payment_ref: str,
    operation: str,
    key: str,
    amount: Money,
    outcome: str = Outcome.PENDING,
    message: str = "",
    answer: dict[str, Any] | None = None,
) -> GatewayAttempt:
    """The attempt, `pending` unless its `outcome` is already known."""
    done = outcome != Outcome.PENDING
    return GatewayAttempt.objects.create(
        payment_ref=payment_ref,
        operation=operation,
        key=key[:120],
        amount=amount.amount,
        currency=amount.currency,
        outcome=outcome,
        message=message[:300],
        response=answer or {},
        completed_at=timezone.now() if done else None,
    )


def attempt_finish(
    attempt: GatewayAttempt,
    outcome: str,
    *,
    code: str = "",
    message: str = "",
    response: dict[str, Any] | None = None,
) -> None:
    attempt.outcome = outcome
    attempt.code = code[:60]
    attempt.message = message[:300]
    attempt.response = response or {}
    attempt.completed_at = timezone.now()
    attempt.save(update_fields=["outcome", "code", "message", "response", "completed_at"])


def attempt_record(
    payment: Payment, operation: str, key: str, outcome: str, **answer: Any
) -> GatewayAttempt:
    """An attempt we learn of once it is over (a card the shopper confirmed at Stripe, a card
    the fake gateway charged in the request): begun and finished at once."""
    attempt = attempt_begin(
        payment_ref=payment.payment_ref,
        operation=operation,
        key=key,
        amount=Money(payment.amount, payment.currency),
    )
    attempt_finish(attempt, outcome, **answer)
    return attempt


def error_answer(exc: Exception) -> dict[str, Any]:
    """How a failed call is kept: the contract error's code and message, never a secret."""
    code = getattr(exc, "code", type(exc).__name__)
    return {"code": str(code), "message": str(getattr(exc, "message", exc))}
