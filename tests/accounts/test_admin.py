"""The staff admin for customers: search, verification state, bulk (de)activation, addresses."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from apps.accounts.models import User
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def staff_client(client: Client) -> Client:
    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


def listed(response) -> list[str]:
    return [user.email for user in response.context["cl"].result_list]


def test_staff_search_customers_by_email(staff_client):
    UserFactory(email="grace@example.com", first_name="Grace", last_name="Hopper")
    UserFactory(email="linus@example.com", first_name="Linus", last_name="Torvalds")

    response = staff_client.get(CHANGELIST, {"q": "grace@"})

    assert listed(response) == ["grace@example.com"]


def test_staff_search_customers_by_full_name(staff_client):
    UserFactory(email="grace@example.com", first_name="Grace", last_name="Hopper")
    UserFactory(email="linus@example.com", first_name="Linus", last_name="Torvalds")

    response = staff_client.get(CHANGELIST, {"q": "grace hopper"})

    assert listed(response) == ["grace@example.com"]


def test_a_search_that_matches_nobody_lists_nobody(staff_client):
    UserFactory(email="grace@example.com")

    assert listed(staff_client.get(CHANGELIST, {"q": "nobody-at-all"})) == []


def test_the_list_shows_and_filters_by_email_verification(staff_client):
    UserFactory(email="verified@example.com")
    UserFactory(email="pending@example.com", verified=False)

    everyone = staff_client.get(CHANGELIST)
    pending = staff_client.get(CHANGELIST, {"email_verified": "no"})
    verified = staff_client.get(CHANGELIST, {"email_verified": "yes"})

    cells = re.findall(
        r'<td class="field-email_verified"><img [^>]*alt="(\w+)">', everyone.content.decode()
    )
    assert cells == ["False", "True", "True"]  # pending@, staff@, verified@ (by email)
    assert listed(pending) == ["pending@example.com"]
    assert listed(verified) == ["staff@example.com", "verified@example.com"]


def test_the_list_costs_the_same_queries_for_many_customers(
    staff_client, django_assert_max_num_queries
):
    for _ in range(15):
        UserFactory()

    with django_assert_max_num_queries(8):
        response = staff_client.get(CHANGELIST)

    assert len(listed(response)) == 16


def test_the_deactivate_action_deactivates_the_selected_customers_only(staff_client):
    grace, linus, kept = UserFactory(), UserFactory(), UserFactory()

    response = staff_client.post(
        CHANGELIST, {"action": "deactivate", "_selected_action": [grace.pk, linus.pk]}
    )

    assert response.status_code == 302
    assert list(User.objects.filter(is_active=False).order_by("pk")) == [grace, linus]
    kept.refresh_from_db()
    assert kept.is_active is True


def test_staff_cannot_deactivate_themselves(staff_client):
    staff = User.objects.get(email="staff@example.com")
    grace = UserFactory()

    staff_client.post(
        CHANGELIST, {"action": "deactivate", "_selected_action": [staff.pk, grace.pk]}
    )

    staff.refresh_from_db()
    grace.refresh_from_db()
    assert (staff.is_active, grace.is_active) == (True, False)


def test_the_activate_action_reactivates(staff_client):
    grace = UserFactory(is_active=False)

    staff_client.post(CHANGELIST, {"action": "activate", "_selected_action": [grace.pk]})

    grace.refresh_from_db()
    assert grace.is_active is True


def test_customers_cannot_use_the_admin_actions(client):
    customer, grace = UserFactory(), UserFactory()
    client.force_login(customer)

    response = client.post(CHANGELIST, {"action": "deactivate", "_selected_action": [grace.pk]})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    grace.refresh_from_db()
    assert grace.is_active is True


def test_the_change_page_shows_the_addresses_inline(staff_client):
    grace = UserFactory()
    AddressFactory(user=grace, label="Home", city="Paris")
    AddressFactory(user=grace, label="Work", city="Lyon")

    response = staff_client.get(f"/admin/accounts/user/{grace.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="addresses-TOTAL_FORMS" value="2"' in html
    assert 'value="Paris"' in html
    assert 'value="Lyon"' in html
