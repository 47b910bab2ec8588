"""Factories for the accounts app. Addresses go through the service, so a factory-built address
book obeys the same default rules as a real one."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from apps.accounts import services
from apps.accounts.models import Address, User

PASSWORD = "a-long-and-unusual-passphrase"


class UserFactory(DjangoModelFactory):
    """A customer who signed up and verified their email (pass `verified=False` for one who
    did not yet); their password is PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    first_name = "Ada"
    last_name = "Lovelace"
    password = PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:  # noqa: N805
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    label = "Home"
    full_name = "Ada Lovelace"
    line1 = factory.Sequence(lambda n: f"{n + 1} Rue de Rivoli")
    line2 = ""
    city = "Paris"
    postal_code = "75001"
    region = ""
    country = "FR"
    phone = ""
    is_default = False

    @classmethod
    def _create(cls, model_class: type[Address], *args: Any, **kwargs: Any) -> Address:
        is_default = kwargs.pop("is_default")
        return services.address_create(make_default=is_default, **kwargs)
