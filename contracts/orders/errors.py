"""Errors of the orders contract."""

from __future__ import annotations

from contracts.kernel.errors import Conflict, InvalidRequest, NotFound


class OrderNotFound(NotFound):
    code = "order_not_found"
    title = "Order not found."


class IllegalTransition(Conflict):
    """The order cannot move from its status to the one asked (details: from, to)."""

    code = "illegal_transition"
    title = "The order cannot change to that status."


class NotCancellable(Conflict):
    """A customer cancels only an unpaid order (details: status); a paid one is staff's to
    cancel, with a refund."""

    code = "not_cancellable"
    title = "This order can no longer be cancelled."


class CartNotReady(InvalidRequest):
    """The cart is empty or holds lines that cannot be bought (details: problems)."""

    code = "cart_not_ready"
    title = "The cart cannot be checked out."


class IdempotencyKeyReused(Conflict):
    """The idempotency key was already used for a different request."""

    code = "idempotency_key_reused"
    title = "This idempotency key was used for another request."


class InvalidShippingAddress(InvalidRequest):
    """The shipping address misses a required part, has one too long, or names a country that
    is not in the list (details: fields, each part's name with what is wrong with it)."""

    code = "invalid_shipping_address"
    title = "The shipping address cannot be used."
