from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from apps.accounts.models import User
from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: None) -> None:
    """allauth counts attempts in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture
def customer() -> User:
    return UserFactory(email="ada@example.com")


@pytest.fixture
def stranger() -> User:
    return UserFactory(email="mallory@example.com", first_name="Mallory", last_name="Evil")


@pytest.fixture
def signed_in(client: Client, customer: User) -> Client:
    client.force_login(customer)
    return client
