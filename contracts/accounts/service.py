"""What the accounts service promises its callers.

Reads only: every method is idempotent and safe to retry. Nothing here ever returns another
customer's data: an address is always asked for together with its customer's id, and an identity
only to whoever holds that customer's session (its auth hash) or API token.
"""

from __future__ import annotations

from typing import Protocol, cast

from contracts.accounts.dto import AddressDTO, CustomerDTO, IdentityDTO
from contracts.kernel.registry import registry
from contracts.kernel.service import Service, read_only

SERVICE = "accounts"
VERSION = "1.1"  # 1.1: identify, identify_token


class AccountsService(Service, Protocol):
    """The accounts service: customers, their address books, and who is signed in. Calls
    nobody."""

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

    @read_only
    def identify(self, user_id: int, session_auth_hash: str) -> IdentityDTO | None:
        """Who holds a session signed in as `user_id`, or None when that session must not count.

        `session_auth_hash` is what Django's sign-in stored in the session
        (``_auth_user_hash``). The identity is given only when the user exists, is active and
        the hash is the one their current password gives (or one made with a key from
        ``SECRET_KEY_FALLBACKS``); a deleted or inactive user, a wrong or empty hash (the
        password changed, or the session was forged) all answer None. The caller then treats
        the session as signed out, as `django.contrib.auth.get_user` would. Read-only and
        idempotent.
        """
        ...

    @read_only
    def identify_token(self, token: str) -> IdentityDTO | None:
        """Who owns the API token `token` (as sent in ``Authorization: Token …``).

        None when no token has this key. An inactive owner is answered with ``is_active=False``
        so that the caller can refuse them as "inactive" rather than "invalid", as DRF's token
        authentication does. Read-only and idempotent.
        """
        ...


def accounts_service() -> AccountsService:
    """The bound accounts service (local facade, HTTP client or a test's fake)."""
    return cast(AccountsService, registry.resolve(SERVICE))
