"""Events the payments service publishes: how it reports back without calling anyone."""

from __future__ import annotations

from contracts.kernel.events import Event
from contracts.kernel.money import Money


class PaymentSucceeded(Event):
    order_ref: str
    payment_ref: str
    amount: Money


class PaymentFailed(Event):
    order_ref: str
    payment_ref: str
    reason: str
    decline_code: str


class PaymentRefunded(Event):
    order_ref: str
    payment_ref: str
    amount: Money
    fully_refunded: bool
