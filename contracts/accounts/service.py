"""What the accounts service promises its callers.

Reads only, for now: every method is idempotent and safe to retry. Nothing here ever returns
another customer's data: an address is always asked for together with its customer's id.
"""

from __future__ import annotations

from typing import Protocol, cast

from contracts.accounts.dto import AddressDTO, CustomerDTO
from contracts.kernel.registry import registry
from contracts.kernel.service import Service, read_only

SERVICE = "accounts"
VERSION = "1.0"


class AccountsService(Service, Protocol):
    """The accounts service: customers and their address books. Calls nobody."""

    @read_only
    def get_customer(self, customer_id: int) -> CustomerDTO:
        """The customer `customer_id`, with their default address (or None).

        Inactive customers are returned too, with ``is_active=False``: deciding what that means
        is the caller's business. Raises `CustomerNotFound` when no customer has this id.
        Read-only and idempotent.
        """
        ...

    @read_only
    def get_addresses(self, customer_id: int) -> tuple[AddressDTO, ...]:
        """Every address of the customer, the default first, then the newest first.

        An existing customer without addresses gets an empty tuple. Raises `CustomerNotFound`
        when no customer has this id. Read-only and idempotent.
        """
        ...

    @read_only
    def get_address(self, customer_id: int, address_id: int) -> AddressDTO:
        """The address `address_id` of the customer `customer_id`.

        Raises `AddressNotFound` when that customer has no such address: when the id is unknown,
        belongs to another customer, or the customer does not exist (the answer never tells
        which). Read-only and idempotent.
        """
        ...


def accounts_service() -> AccountsService:
    """The bound accounts service (local facade, HTTP client or a test's fake)."""
    return cast(AccountsService, registry.resolve(SERVICE))
