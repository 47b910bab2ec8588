"""The in-process implementation of `contracts.accounts`.

Each read is one query in the common case: the customer comes with their email-verification
state and default address joined in; an address book is one query, plus an existence check only
when it is empty (to tell "no addresses" from "no such customer"). An identity is the user and
their permissions: one query for a shopper's user row, two more for their permissions (their own
and their groups'); the caller keeps it for a few seconds.
"""

from __future__ import annotations

from django.http import Http404

from apps.accounts import selectors
from apps.accounts.models import Address, User
from contracts.accounts.dto import AddressDTO, CustomerDTO, IdentityDTO
from contracts.accounts.errors import AddressNotFound, CustomerNotFound
from contracts.accounts.service import SERVICE, VERSION
from contracts.kernel.service import ServiceHealth, probe


def address_dto(address: Address) -> AddressDTO:
    return AddressDTO(
        id=address.pk,
        label=address.label,
        full_name=address.full_name,
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        postal_code=address.postal_code,
        region=address.region,
        country=address.country.code,
        phone=address.phone,
        is_default=address.is_default,
    )


def customer_dto(user: User, default_address: Address | None) -> CustomerDTO:
    return CustomerDTO(
        id=user.pk,
        email=user.email,
        name=user.get_full_name(),
        phone=user.phone,
        is_active=user.is_active,
        email_verified=bool(getattr(user, "email_verified", False)),
        default_address=address_dto(default_address) if default_address else None,
    )


def identity_dto(user: User) -> IdentityDTO:
    return IdentityDTO(
        id=user.pk,
        email=user.email,
        name=user.get_full_name(),
        is_active=user.is_active,
        is_staff=user.is_staff,
        is_superuser=user.is_superuser,
        permissions=selectors.permission_names(user),
    )


class AccountsFacade:
    """Implements `AccountsService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, User.objects.exists)

    def get_customer(self, customer_id: int) -> CustomerDTO:
        found = selectors.customer_with_default_address(customer_id=customer_id)
        if found is None:
            raise CustomerNotFound(details={"customer_id": customer_id})
        return customer_dto(*found)

    def get_addresses(self, customer_id: int) -> tuple[AddressDTO, ...]:
        addresses = tuple(address_dto(a) for a in selectors.address_list(user=customer_id))
        if not addresses and not selectors.customer_exists(customer_id=customer_id):
            raise CustomerNotFound(details={"customer_id": customer_id})
        return addresses

    def get_address(self, customer_id: int, address_id: int) -> AddressDTO:
        try:
            address = selectors.address_for_user(customer_id, address_id)
        except Http404:
            raise AddressNotFound(
                details={"customer_id": customer_id, "address_id": address_id}
            ) from None
        return address_dto(address)

    def identify(self, user_id: int, session_auth_hash: str) -> IdentityDTO | None:
        user = selectors.session_user(user_id=user_id, session_auth_hash=session_auth_hash)
        return identity_dto(user) if user is not None else None

    def identify_token(self, token: str) -> IdentityDTO | None:
        user = selectors.token_owner(token=token)
        return identity_dto(user) if user is not None else None
