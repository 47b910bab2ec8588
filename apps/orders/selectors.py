"""Reads of orders. `order_for_customer` is the one check that an order is the caller's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.orders.models import Order


def customer_orders(customer_id: int) -> QuerySet[Order]:
    """The customer's orders, newest first."""
    return Order.objects.filter(customer_id=customer_id).order_by("-placed_at", "-id")


def order_for_customer(customer_id: int | None, number: object) -> Order:
    """The order `number` if, and only if, it is `customer_id`'s: else Http404, the same answer
    for someone else's order and for no order at all."""
    if customer_id is None or not isinstance(number, str) or len(number) > 20:
        raise Http404("No such order.")
    order = (
        Order.objects.filter(customer_id=customer_id, number=number)
        .prefetch_related("lines", "timeline", "refunds")
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order
