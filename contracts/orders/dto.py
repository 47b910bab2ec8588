"""What the orders service hands out: orders with their line snapshots."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from contracts.kernel.money import Money

# An order request's idempotency key (the checkout form's hidden field, the API's
# Idempotency-Key header): every entry point checks it with `idempotency_key_problem`.
IDEMPOTENCY_KEY_MIN = 8
IDEMPOTENCY_KEY_MAX = 64


def idempotency_key_problem(key: str) -> str | None:
    """What is wrong with `key` as an order request's idempotency key, or None when it is
    fine: 8 to 64 characters."""
    if IDEMPOTENCY_KEY_MIN <= len(key) <= IDEMPOTENCY_KEY_MAX:
        return None
    return (
        f"an idempotency key is {IDEMPOTENCY_KEY_MIN} to {IDEMPOTENCY_KEY_MAX} characters, "
        f"this one has {len(key)}"
    )


class OrderStatus(enum.Enum):
    PENDING_PAYMENT = "pending_payment"
    PAYMENT_FAILED = "payment_failed"
    PAID = "paid"
    FULFILLED = "fulfilled"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class OrderLineDTO:
    """A line as it was sold: SKU, name and unit price are copied at checkout."""

    product_id: int
    sku: str
    name: str
    unit_price: Money
    quantity: int
    line_total: Money


@dataclass(frozen=True)
class ShippingAddressDTO:
    full_name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    region: str
    country: str
    phone: str


@dataclass(frozen=True)
class OrderDTO:
    number: str
    customer_id: int
    email: str
    status: OrderStatus
    lines: tuple[OrderLineDTO, ...]
    subtotal: Money
    shipping: Money
    total: Money
    shipping_address: ShippingAddressDTO
    tracking_number: str
    placed_at: datetime
    # Refunded so far (a partial refund leaves the status as it is). None only in events
    # written before refunds were recorded on orders.
    refunded: Money | None = None


# How far back `OrdersService.figures` counts orders minute by minute (the ops chart asks for an
# hour): a day of minutes at most, so one call stays a small answer.
PER_MINUTE_MAX_SECONDS = 24 * 3600
# The statuses whose orders count as revenue: paid, and still paid once shipped or delivered.
REVENUE_STATUSES = (OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.DELIVERED)


@dataclass(frozen=True)
class StatusCount:
    status: OrderStatus
    count: int


@dataclass(frozen=True)
class MinuteCount:
    minute: datetime  # the minute's start, in UTC
    count: int


@dataclass(frozen=True)
class OrderFigures:
    """Orders at a glance, for the shop's dashboard and gauges (`OrdersService.figures`)."""

    by_status: tuple[StatusCount, ...]  # every status in OrderStatus order, zeros included
    placed: int  # orders placed since the figures' `since`
    paid: int  # of those, the ones in a REVENUE_STATUSES status now
    revenue: tuple[Money, ...]  # their totals, one per currency (empty when none is paid)
    # Orders placed in each minute since `per_minute_since`, oldest first; minutes without an
    # order are left out (empty when not asked for).
    placed_per_minute: tuple[MinuteCount, ...] = ()
