"""The address book's rules, at the service layer: one default, promoted on delete, atomic."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts import services
from apps.accounts.models import Address
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "label": "Work",
    "full_name": "Ada Lovelace",
    "line1": "10 Downing Street",
    "city": "London",
    "postal_code": "SW1A 2AA",
    "country": "gb",
}


def defaults_of(user) -> list[str]:
    return list(Address.objects.filter(user=user, is_default=True).values_list("label", flat=True))


def test_the_first_address_becomes_the_default():
    user = UserFactory()

    address = services.address_create(user=user, **FIELDS)

    assert address.is_default is True
    assert address.country == "GB"
    assert defaults_of(user) == ["Work"]


def test_a_second_address_does_not_take_the_default_unless_asked():
    user = UserFactory()
    AddressFactory(user=user, label="Home")

    services.address_create(user=user, **FIELDS)

    assert defaults_of(user) == ["Home"]


def test_a_new_address_asked_to_be_default_replaces_the_old_default():
    user = UserFactory()
    AddressFactory(user=user, label="Home")

    services.address_create(user=user, make_default=True, **FIELDS)

    assert defaults_of(user) == ["Work"]
    assert Address.objects.filter(user=user).count() == 2


def test_an_invalid_address_is_refused_and_nothing_is_saved():
    user = UserFactory()

    with pytest.raises(ValidationError) as caught:
        services.address_create(user=user, **{**FIELDS, "country": "XX", "city": " "})

    assert set(caught.value.message_dict) == {"country", "city"}
    assert Address.objects.filter(user=user).count() == 0


def test_setting_a_default_moves_it_and_keeps_exactly_one():
    user = UserFactory()
    home = AddressFactory(user=user, label="Home")
    work = AddressFactory(user=user, label="Work")

    services.address_set_default(address=work)

    assert defaults_of(user) == ["Work"]
    home.refresh_from_db()
    assert home.is_default is False


def test_setting_the_default_twice_is_idempotent():
    user = UserFactory()
    AddressFactory(user=user, label="Home")
    work = AddressFactory(user=user, label="Work")

    services.address_set_default(address=work)
    services.address_set_default(address=work)

    assert defaults_of(user) == ["Work"]


def test_setting_a_vanished_address_as_default_changes_nothing():
    user = UserFactory()
    AddressFactory(user=user, label="Home")
    work = AddressFactory(user=user, label="Work")
    Address.objects.filter(pk=work.pk).delete()

    with pytest.raises(Address.DoesNotExist):
        services.address_set_default(address=work)

    assert defaults_of(user) == ["Home"]


def test_deleting_the_default_promotes_the_most_recent_other_address():
    user = UserFactory()
    home = AddressFactory(user=user, label="Home")
    AddressFactory(user=user, label="Old office")
    AddressFactory(user=user, label="Parents")

    services.address_delete(address=home)

    assert defaults_of(user) == ["Parents"]
    assert Address.objects.filter(user=user).count() == 2


def test_deleting_another_address_leaves_the_default_alone():
    user = UserFactory()
    AddressFactory(user=user, label="Home")
    work = AddressFactory(user=user, label="Work")

    services.address_delete(address=work)

    assert defaults_of(user) == ["Home"]


def test_deleting_the_last_address_leaves_an_empty_book():
    user = UserFactory()
    home = AddressFactory(user=user)

    services.address_delete(address=home)

    assert Address.objects.filter(user=user).count() == 0


def test_the_defaults_of_one_customer_never_touch_another():
    user, other = UserFactory(), UserFactory()
    AddressFactory(user=other, label="Theirs")
    mine = AddressFactory(user=user, label="Mine")
    AddressFactory(user=user, label="Second")

    services.address_delete(address=mine)

    assert defaults_of(other) == ["Theirs"]
    assert defaults_of(user) == ["Second"]


def test_the_database_refuses_a_second_default_for_one_customer():
    user = UserFactory()
    AddressFactory(user=user, label="Home")

    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.create(user=user, is_default=True, **{**FIELDS, "country": "GB"})

    assert defaults_of(user) == ["Home"]


def test_updating_an_address_replaces_its_fields_but_never_its_default_flag():
    user = UserFactory()
    home = AddressFactory(user=user, label="Home")

    services.address_update(address=home, **{**FIELDS, "line2": "Flat 2"})

    home.refresh_from_db()
    assert (home.label, home.line1, home.line2, home.country) == (
        "Work",
        "10 Downing Street",
        "Flat 2",
        "GB",
    )
    assert home.is_default is True


def test_an_invalid_update_changes_nothing():
    home = AddressFactory(label="Home", city="Paris")

    with pytest.raises(ValidationError):
        services.address_update(address=home, **{**FIELDS, "phone": "call me maybe"})

    home.refresh_from_db()
    assert (home.label, home.city, home.phone) == ("Home", "Paris", "")


def test_profile_update_saves_name_and_phone():
    user = UserFactory(first_name="", last_name="")

    services.profile_update(
        user=user, first_name=" Grace ", last_name="Hopper", phone="+1 555 0100"
    )

    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.phone) == ("Grace", "Hopper", "+1 555 0100")


def test_an_invalid_profile_update_changes_nothing():
    user = UserFactory(first_name="Ada", last_name="Lovelace")

    with pytest.raises(ValidationError):
        services.profile_update(user=user, first_name="Grace", last_name="Hopper", phone="n/a")

    assert (user.first_name, user.phone) == ("Ada", "")
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.phone) == ("Ada", "Lovelace", "")
