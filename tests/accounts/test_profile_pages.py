"""The profile page: sign-in required, edits name and phone, shows the address book."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

PROFILE = "/account/"


def test_the_profile_page_needs_a_signed_in_customer(client: Client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


def test_the_profile_page_shows_the_details_and_the_address_book(signed_in, customer):
    AddressFactory(user=customer, label="Home", city="Paris")
    AddressFactory(user=customer, label="Work", city="Lyon")

    response = signed_in.get(PROFILE)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/profile.html"
    assert 'value="Ada"' in html
    assert html.count('class="card address-card') == 2
    assert '<span class="pill pill-ok">Default</span>' in html


def test_the_header_account_link_leads_to_the_profile(signed_in):
    html = signed_in.get(PROFILE).content.decode()

    assert '<a class="header-link" href="/account/">Account</a>' in html


def test_editing_the_profile_saves_name_and_phone(signed_in, customer):
    response = signed_in.post(
        PROFILE, {"first_name": "Grace", "last_name": "Hopper", "phone": "+44 20 7946 0958"}
    )

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.phone) == (
        "Grace",
        "Hopper",
        "+44 20 7946 0958",
    )
    assert "Your details are saved." in signed_in.get(PROFILE).content.decode()


def test_an_invalid_phone_is_shown_and_nothing_is_saved(signed_in, customer):
    response = signed_in.post(
        PROFILE, {"first_name": "Grace", "last_name": "Hopper", "phone": "call me"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field field-error"' in html
    assert 'aria-invalid="true"' in html
    assert "Enter a phone number" in html
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.phone) == ("Ada", "Lovelace", "")


def test_the_profile_cannot_be_posted_anonymously(client: Client, customer):
    response = client.post(PROFILE, {"first_name": "Hacked", "last_name": "", "phone": ""})

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.first_name == "Ada"


def test_a_rule_the_service_enforces_is_shown_on_the_form_and_nothing_is_saved(
    signed_in, customer, monkeypatch
):
    from django.core.exceptions import ValidationError

    from apps.accounts import services

    def refuse(**kwargs):
        raise ValidationError({"phone": ["We cannot call this number."]})

    monkeypatch.setattr(services, "profile_update", refuse)

    response = signed_in.post(PROFILE, {"first_name": "Grace", "last_name": "", "phone": "+1 555"})

    assert response.status_code == 200
    assert "We cannot call this number." in response.content.decode()
    customer.refresh_from_db()
    assert customer.first_name == "Ada"
