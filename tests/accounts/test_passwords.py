"""Resetting a forgotten password by email, and changing a known one."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
CHANGE = "/accounts/password/change/"
NEW_PASSWORD = "another-long-unusual-passphrase"


def reset_link(message) -> str:
    match = re.search(r"https?://testserver(/accounts/password/reset/key/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_password_reset_link_by_email_sets_a_new_password(client, customer, drain_tasks):
    response = client.post(RESET, {"email": "ada@example.com"})
    drain_tasks()  # the worker sends the email
    # The link moves the key into the session and redirects to a key-less URL.
    set_password = client.get(reset_link(mail.outbox[0]))["Location"]
    form_page = client.get(set_password)
    done = client.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox[0].to == ["ada@example.com"]
    assert form_page.status_code == 200
    assert 'name="password1"' in form_page.content.decode()
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/key/done/"
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD) is True
    assert customer.check_password(PASSWORD) is False


def test_a_reset_link_works_only_once(client, customer, drain_tasks):
    client.post(RESET, {"email": "ada@example.com"})
    drain_tasks()
    link = reset_link(mail.outbox[0])
    set_password = client.get(link)["Location"]
    client.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert "Bad Token" in again.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD) is True


def test_a_forged_reset_link_changes_nothing(client, customer):
    response = client.get(f"/accounts/password/reset/key/{customer.pk:x}-forged-key/", follow=True)

    assert "Bad Token" in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD) is True


def test_a_reset_for_an_unknown_email_sends_no_reset_link(client, customer, drain_tasks):
    response = client.post(RESET, {"email": "nobody@example.com"})
    drain_tasks()

    assert response.status_code == 302  # same answer as for a customer: nothing to enumerate
    assert [m.to for m in mail.outbox] == [["nobody@example.com"]]
    assert "/accounts/password/reset/key/" not in mail.outbox[0].body


def test_a_signed_in_customer_changes_their_password(signed_in, customer):
    response = signed_in.post(
        CHANGE, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD) is True
    assert signed_in.session.get("_auth_user_id") == str(customer.pk)  # still signed in


def test_a_wrong_current_password_changes_nothing(signed_in, customer):
    response = signed_in.post(
        CHANGE, {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert 'class="field field-error"' in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD) is True


def test_changing_a_password_needs_a_signed_in_customer(client, customer):
    response = client.post(
        CHANGE, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD) is True
