"""Errors of the cart contract."""

from __future__ import annotations

from contracts.kernel.errors import NotFound


class CartNotFound(NotFound):
    """No cart with that id."""

    code = "cart_not_found"
    title = "Cart not found."
