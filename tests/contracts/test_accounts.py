"""The accounts contract, kept by every binding (local, loopback, HTTP).

Customers and addresses are made with the accounts factories (the address book through its own
service, so its default rules hold); everything else goes through the contract. Errors are
caught as the contract's classes and their `details` compared whole: over HTTP that proves the
client rebuilt them from the error code.
"""

from __future__ import annotations

import pytest

from contracts.accounts.dto import AddressDTO, CustomerDTO
from contracts.accounts.errors import AddressNotFound, CustomerNotFound
from contracts.accounts.service import VERSION
from tests.accounts.factories import AddressFactory, UserFactory
from tests.contracts.conftest import implementations

accounts = implementations("accounts")
UNKNOWN_ID = 2_000_000_000  # fixed, so that xdist workers collect the same test ids


def test_health_names_the_service_and_its_contract_version(accounts):
    health = accounts.health()

    assert (health.service, health.version, health.ok) == ("accounts", VERSION, True), health


def test_get_customer_is_a_snapshot_with_the_default_address(accounts):
    user = UserFactory(email="grace@example.com", first_name="Grace", last_name="Hopper")
    user.phone = "+1 555 0100"
    user.save()
    AddressFactory(user=user, label="Old")
    home = AddressFactory(user=user, label="Home", line2="Flat 3", is_default=True)

    customer = accounts.get_customer(user.pk)

    assert customer == CustomerDTO(
        id=user.pk,
        email="grace@example.com",
        name="Grace Hopper",
        phone="+1 555 0100",
        is_active=True,
        email_verified=True,
        default_address=AddressDTO(
            id=home.pk, label="Home", full_name="Ada Lovelace", line1=home.line1,
            line2="Flat 3", city="Paris", postal_code="75001", region="", country="FR",
            phone="", is_default=True,
        ),
    )  # fmt: skip


def test_get_customer_without_addresses_name_or_verification(accounts):
    user = UserFactory(verified=False, first_name="", last_name="")

    customer = accounts.get_customer(user.pk)

    assert (customer.name, customer.email_verified, customer.default_address) == ("", False, None)


def test_get_customer_returns_an_inactive_customer_as_such(accounts):
    user = UserFactory(is_active=False)

    customer = accounts.get_customer(user.pk)

    assert (customer.id, customer.is_active) == (user.pk, False)


def test_get_customer_of_an_unknown_id_raises_customer_not_found(accounts):
    UserFactory()

    with pytest.raises(CustomerNotFound) as caught:
        accounts.get_customer(UNKNOWN_ID)

    assert caught.value.code == "customer_not_found"
    assert caught.value.details == {"customer_id": UNKNOWN_ID}


def test_get_addresses_lists_the_default_first_then_the_newest(accounts):
    user = UserFactory()
    AddressFactory(user=user, label="Home")  # the first address becomes the default
    AddressFactory(user=user, label="Work")
    AddressFactory(user=user, label="Cottage", country="GB", postal_code="SW1A 1AA")
    AddressFactory(label="Someone else's")

    addresses = accounts.get_addresses(user.pk)

    assert [(a.label, a.is_default, a.country) for a in addresses] == [
        ("Home", True, "FR"), ("Cottage", False, "GB"), ("Work", False, "FR"),
    ]  # fmt: skip
    assert all(type(a) is AddressDTO for a in addresses)
    assert addresses[0] == accounts.get_customer(user.pk).default_address


def test_get_addresses_of_a_customer_without_any_is_empty(accounts):
    user = UserFactory()
    AddressFactory()

    assert accounts.get_addresses(user.pk) == ()


def test_get_addresses_of_an_unknown_id_raises_customer_not_found(accounts):
    AddressFactory()

    with pytest.raises(CustomerNotFound) as caught:
        accounts.get_addresses(UNKNOWN_ID)

    assert caught.value.details == {"customer_id": UNKNOWN_ID}


def test_get_address_returns_that_customers_address(accounts):
    user = UserFactory()
    AddressFactory(user=user, label="Home")
    work = AddressFactory(user=user, label="Work", phone="+33 1 23 45 67 89")

    address = accounts.get_address(user.pk, work.pk)

    assert address == AddressDTO(
        id=work.pk, label="Work", full_name="Ada Lovelace", line1=work.line1, line2="",
        city="Paris", postal_code="75001", region="", country="FR", phone="+33 1 23 45 67 89",
        is_default=False,
    )  # fmt: skip


def address_not_found(accounts, customer_id: int, address_id: int) -> AddressNotFound:
    with pytest.raises(AddressNotFound) as caught:
        accounts.get_address(customer_id, address_id)
    return caught.value


def test_get_address_never_tells_unknown_from_someone_elses_or_a_missing_customer(accounts):
    user, other = UserFactory(), UserFactory()
    theirs = AddressFactory(user=other, label="Secret", line1="1 Hidden Lane")

    cases = {
        "someone else's": address_not_found(accounts, user.pk, theirs.pk),
        "unknown address": address_not_found(accounts, user.pk, UNKNOWN_ID),
        "unknown customer": address_not_found(accounts, UNKNOWN_ID, theirs.pk),
    }

    same = ("address_not_found", "No such address.")
    assert {name: (e.code, e.message) for name, e in cases.items()} == dict.fromkeys(cases, same)
    assert cases["someone else's"].details == {"customer_id": user.pk, "address_id": theirs.pk}
    assert cases["unknown address"].details == {"customer_id": user.pk, "address_id": UNKNOWN_ID}
    assert cases["unknown customer"].details == {
        "customer_id": UNKNOWN_ID, "address_id": theirs.pk,
    }  # fmt: skip
    for error in cases.values():
        assert "Secret" not in str(error)
        assert "Hidden" not in repr(dict(error.details))
    assert accounts.get_address(other.pk, theirs.pk).label == "Secret"  # still there, unchanged


def test_reads_are_idempotent(accounts):
    user = UserFactory()
    home = AddressFactory(user=user)

    assert accounts.get_customer(user.pk) == accounts.get_customer(user.pk)
    assert accounts.get_addresses(user.pk) == accounts.get_addresses(user.pk)
    assert accounts.get_address(user.pk, home.pk) == accounts.get_address(user.pk, home.pk)
