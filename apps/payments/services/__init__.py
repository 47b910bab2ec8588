"""Payment writes: open, charge, abandon, settle, refund, reconcile (one module per subdomain)."""

from apps.payments.services.intents import (
    FORWARD,
    CardAttempt,
    apply_intent,
    can_move,
    payment_abandon,
    payment_apply_intent,
    payment_pay_with_test_card,
    payment_ref_for,
    payment_start,
)
from apps.payments.services.reconcile import payments_reconcile
from apps.payments.services.refunds import payment_refund, record_gateway_refund

__all__ = [
    "FORWARD",
    "CardAttempt",
    "apply_intent",
    "can_move",
    "payment_abandon",
    "payment_apply_intent",
    "payment_pay_with_test_card",
    "payment_ref_for",
    "payment_refund",
    "payment_start",
    "payments_reconcile",
    "record_gateway_refund",
]
