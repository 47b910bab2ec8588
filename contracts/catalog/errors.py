"""Errors of the catalog contract, each with a stable code."""

from __future__ import annotations

from contracts.kernel.errors import Conflict, InvalidRequest, NotFound


class ProductNotFound(NotFound):
    """No product with that id, SKU or slug (details: `ids`, `skus` or `slug`)."""

    code = "product_not_found"
    title = "Product not found."


class InactiveProduct(InvalidRequest):
    """The product exists but is not for sale (details: `skus`)."""

    code = "inactive_product"
    title = "The product is not for sale."


class OutOfStock(Conflict):
    """Not enough stock for every line. details["items"] lists each short line:
    {"sku", "requested", "available"}."""

    code = "out_of_stock"
    title = "Not enough stock."


class ReservationNotFound(NotFound):
    """No reservation under that reference."""

    code = "reservation_not_found"
    title = "Reservation not found."


class ReservationReleased(Conflict):
    """The reservation was released (cancelled or expired) and can no longer be committed."""

    code = "reservation_released"
    title = "The reservation was released."


class ReservationMismatch(Conflict):
    """The reference is already used by a reservation of other lines."""

    code = "reservation_mismatch"
    title = "The reference is already used for other items."
