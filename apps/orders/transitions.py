"""The order life cycle as an explicit table: every legal move, and the event each publishes.

    pending_payment → paid → fulfilled → delivered
    pending_payment → payment_failed → (retry) pending_payment
    pending_payment | payment_failed | paid → cancelled
    payment_failed → paid            (a late success after a decline, e.g. a retried card)
    paid | fulfilled | delivered → refunded

Anything else is an IllegalTransition. `refunded` and `cancelled` are final.
"""

from __future__ import annotations

from contracts.kernel.events import Event
from contracts.orders import events
from contracts.orders.dto import OrderStatus

S = OrderStatus

ALLOWED: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.PAYMENT_FAILED, S.CANCELLED}),
    S.PAYMENT_FAILED: frozenset({S.PENDING_PAYMENT, S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.FULFILLED, S.CANCELLED, S.REFUNDED}),
    S.FULFILLED: frozenset({S.DELIVERED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# The event each arrival publishes (None: an internal step with no outside interest).
EVENT_OF: dict[OrderStatus, type[Event] | None] = {
    S.PENDING_PAYMENT: None,
    S.PAID: events.OrderPaid,
    S.PAYMENT_FAILED: events.OrderPaymentFailed,
    S.FULFILLED: events.OrderFulfilled,
    S.DELIVERED: events.OrderDelivered,
    S.CANCELLED: events.OrderCancelled,
    S.REFUNDED: events.OrderRefunded,
}

UNPAID = frozenset({S.PENDING_PAYMENT, S.PAYMENT_FAILED})
FINAL = frozenset(s for s, targets in ALLOWED.items() if not targets)


def can_move(source: OrderStatus, target: OrderStatus) -> bool:
    return target in ALLOWED[source]
