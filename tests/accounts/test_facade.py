"""The accounts contract, as the local facade keeps it (through the registry, as callers do)."""

from __future__ import annotations

import pytest

from apps.accounts.models import Address
from contracts.accounts.dto import AddressDTO, CustomerDTO
from contracts.accounts.errors import AddressNotFound, CustomerNotFound
from contracts.accounts.service import accounts_service
from contracts.kernel import codec
from contracts.kernel.errors import NotFound
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_get_customer_returns_a_snapshot_with_the_default_address(django_assert_num_queries):
    user = UserFactory(email="grace@example.com", first_name="Grace", last_name="Hopper")
    user.phone = "+1 555 0100"
    user.save()
    AddressFactory(user=user, label="Old")
    home = AddressFactory(user=user, label="Home", line2="Flat 3", is_default=True)

    with django_assert_num_queries(1):
        customer = accounts_service().get_customer(user.pk)

    assert customer == CustomerDTO(
        id=user.pk,
        email="grace@example.com",
        name="Grace Hopper",
        phone="+1 555 0100",
        is_active=True,
        email_verified=True,
        default_address=AddressDTO(
            id=home.pk,
            label="Home",
            full_name="Ada Lovelace",
            line1=home.line1,
            line2="Flat 3",
            city="Paris",
            postal_code="75001",
            region="",
            country="FR",
            phone="",
            is_default=True,
        ),
    )
    assert codec.loads(codec.dumps(customer, CustomerDTO), CustomerDTO) == customer


def test_get_customer_without_addresses_or_verification():
    user = UserFactory(verified=False, first_name="", last_name="")

    customer = accounts_service().get_customer(user.pk)

    assert (customer.name, customer.email_verified, customer.default_address) == ("", False, None)


def test_get_customer_reports_an_inactive_customer_as_such():
    user = UserFactory(is_active=False)

    assert accounts_service().get_customer(user.pk).is_active is False


def test_get_customer_raises_customer_not_found_for_an_unknown_id():
    with pytest.raises(CustomerNotFound) as caught:
        accounts_service().get_customer(987_654)

    assert caught.value.code == "customer_not_found"
    assert isinstance(caught.value, NotFound)
    assert caught.value.details == {"customer_id": 987_654}


def test_get_addresses_lists_the_default_first_then_the_newest(django_assert_num_queries):
    user = UserFactory()
    AddressFactory(user=user, label="Home")
    AddressFactory(user=user, label="Work")
    AddressFactory(user=user, label="Cottage")
    AddressFactory(label="Someone else's")

    with django_assert_num_queries(1):
        addresses = accounts_service().get_addresses(user.pk)

    assert [(a.label, a.is_default) for a in addresses] == [
        ("Home", True),
        ("Cottage", False),
        ("Work", False),
    ]
    assert all(isinstance(a, AddressDTO) for a in addresses)


def test_get_addresses_of_a_customer_without_any_is_empty():
    user = UserFactory()

    assert accounts_service().get_addresses(user.pk) == ()


def test_get_addresses_raises_customer_not_found_for_an_unknown_id():
    with pytest.raises(CustomerNotFound):
        accounts_service().get_addresses(987_654)


def test_get_address_returns_that_customers_address(django_assert_num_queries):
    user = UserFactory()
    work = AddressFactory(user=user, label="Work")

    with django_assert_num_queries(1):
        address = accounts_service().get_address(user.pk, work.pk)

    assert (address.id, address.label, address.is_default) == (work.pk, "Work", True)


def test_get_address_of_another_customer_raises_address_not_found_and_reveals_nothing():
    user, other = UserFactory(), UserFactory()
    theirs = AddressFactory(user=other, label="Secret")

    with pytest.raises(AddressNotFound) as caught:
        accounts_service().get_address(user.pk, theirs.pk)

    assert caught.value.code == "address_not_found"
    assert "Secret" not in str(caught.value)
    assert Address.objects.get(pk=theirs.pk).label == "Secret"


def test_get_address_for_an_unknown_customer_raises_address_not_found():
    address = AddressFactory()

    with pytest.raises(AddressNotFound):
        accounts_service().get_address(987_654, address.pk)


def test_get_address_for_an_unknown_address_raises_address_not_found():
    user = UserFactory()

    with pytest.raises(AddressNotFound):
        accounts_service().get_address(user.pk, 987_654)


def test_the_health_probe_is_ok():
    health = accounts_service().health()

    assert (health.service, health.ok) == ("accounts", True)
