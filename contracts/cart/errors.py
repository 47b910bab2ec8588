"""Errors of the cart contract, each with a stable code (what crosses HTTP and the REST API)."""

from __future__ import annotations

from contracts.kernel.errors import Conflict, InvalidRequest, NotFound


class CartNotFound(NotFound):
    """No cart with that id."""

    code = "cart_not_found"
    title = "Cart not found."


class CartLineNotFound(NotFound):
    """The cart holds no line for that product (details: `product_id`)."""

    code = "cart_line_not_found"
    title = "That product is not in the cart."


class ProductUnavailable(Conflict):
    """The product exists but cannot be put in a cart now (details: `product_id`, and `reason`:
    ``inactive`` when it is no longer sold, ``sold_out`` when none is left)."""

    code = "product_unavailable"
    title = "The product is not available."


class QuantityOutOfRange(InvalidRequest):
    """A line holds 1 to 99 of a product; setting 0 removes it (details: `quantity`, `minimum`,
    `maximum`)."""

    code = "quantity_out_of_range"
    title = "The quantity is out of range."
