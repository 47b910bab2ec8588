"""Errors the accounts service may raise; each `code` is stable and crosses HTTP as is."""

from __future__ import annotations

from contracts.kernel.errors import NotFound


class CustomerNotFound(NotFound):
    """No customer has this id."""

    code = "customer_not_found"
    title = "No such customer."


class AddressNotFound(NotFound):
    """The customer has no address with this id (it is unknown or someone else's)."""

    code = "address_not_found"
    title = "No such address."
