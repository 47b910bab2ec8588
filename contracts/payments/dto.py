"""What the payments service hands out."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from contracts.kernel.money import Money


class PaymentStatus(enum.Enum):
    REQUIRES_PAYMENT = "requires_payment"  # waiting for the shopper
    PROCESSING = "processing"  # the gateway is working on it
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"  # fully refunded
    PARTIALLY_REFUNDED = "partially_refunded"
    CANCELED = "canceled"


@dataclass(frozen=True)
class PaymentCustomer:
    """Who pays: enough for a receipt and for the gateway's customer record."""

    customer_id: int
    email: str
    name: str


@dataclass(frozen=True)
class PaymentSession:
    """What a page needs to collect a payment: the gateway, its client secret (Stripe) and the
    address of our own pay page."""

    payment_ref: str
    order_ref: str
    status: PaymentStatus
    amount: Money
    gateway: str
    client_secret: str | None
    pay_url: str | None


@dataclass(frozen=True)
class PaymentDTO:
    """A payment as staff and callers may see it. `gateway_ref` is the gateway's own id for it
    (a Stripe PaymentIntent `pi_…`), empty until the gateway has one: what staff search for in
    the gateway's dashboard."""

    payment_ref: str
    order_ref: str
    status: PaymentStatus
    amount: Money
    refunded: Money
    gateway: str
    failure_reason: str
    gateway_ref: str = ""


@dataclass(frozen=True)
class RefundDTO:
    refund_ref: str
    payment_ref: str
    amount: Money
    status: str


@dataclass(frozen=True)
class PaymentFigures:
    """Payments at a glance, for the shop's dashboard and gauges (`PaymentsService.figures`)."""

    failed: int  # payments that failed since the figures' `since` (by their last change)
