"""Writes of the accounts app: the profile and the address book.

Rules kept here, and nowhere else: while a customer has any address, exactly one is the default
(the first address becomes it; deleting it promotes the most recent other one); changing the
default is atomic. Each write takes a row lock on the customer, so two writes to one address book
run one after the other (PostgreSQL; SQLite serialises writers anyway) and the database's
one-default constraint never sees a race.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from apps.accounts.models import Address, User
from contracts.kernel.address import ADDRESS_PARTS

# The address book's own label, then the postal parts in the order every form shows them.
ADDRESS_FIELDS = ("label", *(part.name for part in ADDRESS_PARTS))
PROFILE_FIELDS = ("first_name", "last_name", "phone")


def _cleaned(model: type[models.Model], values: dict[str, str]) -> dict[str, Any]:
    """Each value stripped and validated by its model field; ValidationError lists them all."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for name, raw in values.items():
        field = model._meta.get_field(name)
        try:
            cleaned[name] = field.clean(raw.strip(), None)  # type: ignore[union-attr]  # only concrete fields
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned


def _address_values(**fields: str) -> dict[str, Any]:
    fields["country"] = fields["country"].strip().upper()
    return _cleaned(Address, fields)


def _lock_book(user_id: int) -> None:
    """Serialise writes to one customer's address book (call inside a transaction)."""
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def _promote_newest_if_no_default(user_id: int) -> None:
    book = Address.objects.filter(user_id=user_id)
    if book.filter(is_default=True).exists():
        return
    newest = book.order_by("-created_at", "-id").values_list("pk", flat=True).first()
    if newest is not None:
        book.filter(pk=newest).update(is_default=True, updated_at=timezone.now())


def profile_update(*, user: User, first_name: str, last_name: str, phone: str) -> User:
    """Change the customer's name and phone; ValidationError (and no change) if one is invalid."""
    values = _cleaned(User, {"first_name": first_name, "last_name": last_name, "phone": phone})
    for name, value in values.items():
        setattr(user, name, value)
    user.save(update_fields=list(PROFILE_FIELDS))
    return user


def address_create(
    *,
    user: User,
    label: str,
    full_name: str,
    line1: str,
    city: str,
    postal_code: str,
    country: str,
    line2: str = "",
    region: str = "",
    phone: str = "",
    make_default: bool = False,
) -> Address:
    """Add an address; it becomes the default when asked to or when the book has no default."""
    values = _address_values(
        label=label,
        full_name=full_name,
        line1=line1,
        line2=line2,
        city=city,
        postal_code=postal_code,
        region=region,
        country=country,
        phone=phone,
    )
    with transaction.atomic():
        _lock_book(user.pk)
        defaults = Address.objects.filter(user_id=user.pk, is_default=True)
        is_default = make_default or not defaults.exists()
        if make_default:
            defaults.update(is_default=False, updated_at=timezone.now())
        return Address.objects.create(user=user, is_default=is_default, **values)


def address_update(
    *,
    address: Address,
    label: str,
    full_name: str,
    line1: str,
    city: str,
    postal_code: str,
    country: str,
    line2: str = "",
    region: str = "",
    phone: str = "",
) -> Address:
    """Replace the address's fields (never its default flag: see `address_set_default`)."""
    values = _address_values(
        label=label,
        full_name=full_name,
        line1=line1,
        line2=line2,
        city=city,
        postal_code=postal_code,
        region=region,
        country=country,
        phone=phone,
    )
    for name, value in values.items():
        setattr(address, name, value)
    address.save(update_fields=[*ADDRESS_FIELDS, "updated_at"])
    return address


def address_delete(*, address: Address) -> None:
    """Delete the address; if it was the default, the most recent other one takes its place."""
    with transaction.atomic():
        _lock_book(address.user_id)
        Address.objects.filter(pk=address.pk).delete()
        _promote_newest_if_no_default(address.user_id)


def address_set_default(*, address: Address) -> Address:
    """Make the address the customer's only default, atomically; idempotent.

    Raises Address.DoesNotExist when the address was deleted meanwhile (nothing changes then).
    """
    with transaction.atomic():
        _lock_book(address.user_id)
        book = Address.objects.filter(user_id=address.user_id)
        if not book.filter(pk=address.pk).exists():
            raise Address.DoesNotExist(f"address {address.pk} no longer exists")
        now = timezone.now()
        # Unset first: the one-default constraint is checked statement by statement.
        book.filter(is_default=True).exclude(pk=address.pk).update(is_default=False, updated_at=now)
        book.filter(pk=address.pk, is_default=False).update(is_default=True, updated_at=now)
    address.is_default = True
    return address


def customers_set_active(*, customer_ids: Iterable[int], is_active: bool, by: User) -> int:
    """Activate or deactivate customers (staff bulk action); returns how many changed.

    A staff member never deactivates their own account this way (they would lock themselves
    out mid-action). A deactivated customer cannot sign in, and an open session of theirs ends
    at their next request.
    """
    customers = User.objects.filter(pk__in=list(customer_ids)).exclude(is_active=is_active)
    if not is_active:
        customers = customers.exclude(pk=by.pk)
    return customers.update(is_active=is_active)
