"""What the accounts service hands its callers: frozen snapshots of primitives, never models.

A caller keeps a copy (an order stores the shipping address it was given), so nothing here is a
live reference: ids are for asking again, not for joining.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AddressDTO:
    """One postal address from a customer's address book.

    `country` is an ISO 3166-1 alpha-2 code (``"FR"``); optional parts are empty strings, never
    None. At most one address of a customer has `is_default` set, and exactly one does whenever
    the customer has any address at all.
    """

    id: int
    label: str
    full_name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    region: str
    country: str
    phone: str
    is_default: bool


@dataclass(frozen=True)
class CustomerDTO:
    """A customer as other services may know them.

    `name` is the display name (first and last name, possibly empty); `email_verified` says the
    customer proved they own `email`; `default_address` is their default address, or None when
    their address book is empty.
    """

    id: int
    email: str
    name: str
    phone: str
    is_active: bool
    email_verified: bool
    default_address: AddressDTO | None


@dataclass(frozen=True)
class IdentityDTO:
    """Who is signed in, as another process needs to know them: enough for pages, the API and
    that process's admin, and nothing of the address book.

    `name` is the display name (possibly empty). `permissions` are the user's permissions,
    their own and their groups', as sorted ``"app_label.codename"`` strings; a superuser's list
    every permission there is. `is_active` is False only in `identify_token`'s answer for the
    owner of a token whose account was deactivated (who then holds no permission).
    """

    id: int
    email: str
    name: str
    is_active: bool
    is_staff: bool
    is_superuser: bool
    permissions: tuple[str, ...]
