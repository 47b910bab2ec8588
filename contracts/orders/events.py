"""Events of an order's life. Each carries what a subscriber needs (the notifications email
from them), so nobody has to call orders back."""

from __future__ import annotations

from contracts.kernel.events import Event
from contracts.kernel.money import Money
from contracts.orders.dto import OrderDTO


class OrderPlaced(Event):
    order: OrderDTO


class OrderPaid(Event):
    order: OrderDTO


class OrderPaymentFailed(Event):
    order: OrderDTO
    reason: str


class OrderFulfilled(Event):
    order: OrderDTO
    tracking_number: str


class OrderDelivered(Event):
    order: OrderDTO


class OrderCancelled(Event):
    order: OrderDTO
    reason: str


class OrderRefunded(Event):
    order: OrderDTO
    amount: Money
