"""Signing up, in and out, through allauth's URLs as a shopper would."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from apps.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SIGNUP = "/accounts/signup/"
LOGOUT = "/accounts/logout/"
NEW_PASSWORD = "another-long-unusual-passphrase"


def signed_in_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def link_in(message, path: str) -> str:
    match = re.search(rf"https?://testserver({re.escape(path)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_sends_a_verification_email_and_does_not_sign_in(client, drain_tasks):
    response = client.post(
        SIGNUP, {"email": "New@Example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    drain_tasks()  # the worker sends the email

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert signed_in_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    email = EmailAddress.objects.get(email="new@example.com")
    assert email.verified is False


def test_the_confirmation_link_verifies_the_email_and_signs_in(client, drain_tasks):
    client.post(SIGNUP, {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD})
    drain_tasks()
    link = link_in(mail.outbox[0], "/accounts/confirm-email/")

    page = client.get(link)
    response = client.post(link)

    assert page.status_code == 200
    assert "Confirm Email Address" in page.content.decode()
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new@example.com").verified is True
    assert signed_in_id(client) == str(User.objects.get(email="new@example.com").pk)


def test_a_forged_confirmation_link_verifies_nothing(client):
    client.post(SIGNUP, {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD})

    response = client.post("/accounts/confirm-email/not-a-real-key/")

    assert response.status_code == 404
    assert EmailAddress.objects.get(email="new@example.com").verified is False
    assert signed_in_id(client) is None


def test_a_sign_up_with_mismatched_passwords_creates_nobody_and_sends_nothing(client, drain_tasks):
    response = client.post(
        SIGNUP, {"email": "new@example.com", "password1": PASSWORD, "password2": "different!"}
    )
    drain_tasks()

    assert response.status_code == 200
    assert 'class="field field-error"' in response.content.decode()
    assert User.objects.filter(email="new@example.com").exists() is False
    assert mail.outbox == []


def test_a_verified_customer_signs_in_with_email_and_password(client, customer):
    response = client.post(LOGIN, {"login": "ada@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_id(client) == str(customer.pk)


def test_a_wrong_password_is_refused(client, customer):
    response = client.post(LOGIN, {"login": "ada@example.com", "password": "wrong password"})

    assert response.status_code == 200
    assert '<div class="form-errors" role="alert">' in response.content.decode()
    assert signed_in_id(client) is None


def test_an_unverified_customer_cannot_sign_in(client, drain_tasks):
    UserFactory(email="late@example.com", verified=False)

    response = client.post(LOGIN, {"login": "late@example.com", "password": PASSWORD})
    drain_tasks()

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert signed_in_id(client) is None
    assert [m.to for m in mail.outbox] == [["late@example.com"]]  # a fresh verification link


def test_an_inactive_customer_cannot_sign_in(client):
    UserFactory(email="gone@example.com", is_active=False)

    client.post(LOGIN, {"login": "gone@example.com", "password": PASSWORD})

    assert signed_in_id(client) is None


def test_after_too_many_failures_even_the_right_password_is_refused(client, customer):
    # settings.ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures per 5 minutes per login.
    for _ in range(5):
        client.post(LOGIN, {"login": "ada@example.com", "password": "wrong password"})

    response = client.post(LOGIN, {"login": "ada@example.com", "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_id(client) is None


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, customer):
    for _ in range(4):
        client.post(LOGIN, {"login": "ada@example.com", "password": "wrong password"})

    client.post(LOGIN, {"login": "ada@example.com", "password": PASSWORD})

    assert signed_in_id(client) == str(customer.pk)


def test_sign_out_by_post_ends_the_session(signed_in):
    response = signed_in.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_id(signed_in) is None


def test_opening_the_sign_out_page_only_asks(signed_in, customer):
    response = signed_in.get(LOGOUT)

    assert response.status_code == 200
    assert "Are you sure you want to sign out?" in response.content.decode()
    assert signed_in_id(signed_in) == str(customer.pk)


def test_a_deactivated_customer_is_signed_out_at_the_next_request(signed_in, customer):
    User.objects.filter(pk=customer.pk).update(is_active=False)

    response = signed_in.get("/account/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
