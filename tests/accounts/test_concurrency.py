"""Writes to one address book racing each other on PostgreSQL: the customer row lock makes
them take turns, so the one-default rule holds and nobody sees an IntegrityError."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection

from apps.accounts import services
from apps.accounts.models import Address
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FIELDS = {
    "full_name": "Ada Lovelace",
    "line1": "1 Rue de Rivoli",
    "city": "Paris",
    "postal_code": "75001",
    "country": "FR",
}


def run_together(calls: list[Callable[[], object]]) -> list[Exception]:
    """Start every call at the same instant, each on its own connection; return the errors."""
    barrier = threading.Barrier(len(calls))
    errors: list[Exception] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
        except Exception as exc:  # collected, asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_first_addresses_created_at_once_leave_exactly_one_default(postgres_only):
    user = UserFactory()
    calls = [partial(services.address_create, user=user, label=f"A{n}", **FIELDS) for n in range(6)]

    errors = run_together(calls)

    assert errors == []
    assert Address.objects.filter(user=user).count() == 6
    assert Address.objects.filter(user=user, is_default=True).count() == 1


def test_defaults_set_at_once_leave_exactly_one_default(postgres_only):
    user = UserFactory()
    addresses = [AddressFactory(user=user, label=f"A{n}") for n in range(6)]
    calls = [partial(services.address_set_default, address=a) for a in addresses]

    errors = run_together(calls)

    assert errors == []
    assert Address.objects.filter(user=user, is_default=True).count() == 1


def test_deleting_everything_at_once_leaves_an_empty_book(postgres_only):
    user = UserFactory()
    addresses = [AddressFactory(user=user, label=f"A{n}") for n in range(4)]
    keep = AddressFactory(user=user, label="Keep")
    calls = [partial(services.address_delete, address=a) for a in addresses]

    errors = run_together(calls)

    assert errors == []
    assert list(Address.objects.filter(user=user).values_list("label", "is_default")) == [
        ("Keep", True)
    ]
    assert keep.pk == Address.objects.get(user=user).pk
