"""The API's token endpoint signs in under the very rules of the sign-in form: the same
allauth rate limits (failures on either path count toward one limit), the same refusal of
inactive accounts and of unverified email addresses."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
PROBLEM = "application/problem+json"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def ask_token(api: APIClient, email: str, password: str):
    return api.post(TOKEN, {"email": email, "password": password}, format="json")


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    return body


def test_the_right_password_gets_a_token(api, customer):
    response = ask_token(api, "ada@example.com", PASSWORD)

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=customer).key}


def test_the_email_is_matched_whatever_its_case(api, customer):
    response = ask_token(api, "Ada@Example.COM", PASSWORD)

    assert response.status_code == 200
    assert Token.objects.filter(user=customer).count() == 1


def test_a_wrong_password_gets_no_token(api, customer):
    response = ask_token(api, "ada@example.com", "wrong password")

    body = assert_problem(response, 401, "invalid_credentials")
    assert response["WWW-Authenticate"] == "Token"
    assert body["detail"] == "The email address and/or password you specified are not correct."
    assert Token.objects.exists() is False


def test_missing_fields_are_named(api):
    response = api.post(TOKEN, {"email": "ada@example.com"}, format="json")

    body = assert_problem(response, 400, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["password"]


def test_failures_on_the_form_lock_the_api_out(client, api, customer):
    # settings.ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures per 5 minutes per login.
    for _ in range(5):
        client.post(LOGIN, {"login": "ada@example.com", "password": "wrong password"})

    response = ask_token(api, "ada@example.com", PASSWORD)

    body = assert_problem(response, 429, "too_many_login_attempts")
    assert 0 < int(response["Retry-After"]) <= 300
    assert body["title"] == "Too many failed sign-in attempts."
    assert Token.objects.exists() is False


def test_failures_on_the_api_lock_the_form_out(client, api, customer):
    for _ in range(5):
        assert ask_token(api, "ada@example.com", "wrong password").status_code == 401

    page = client.post(LOGIN, {"login": "ada@example.com", "password": PASSWORD})

    assert page.status_code == 200
    assert "Too many failed login attempts" in page.content.decode()
    assert client.session.get("_auth_user_id") is None
    assert_problem(ask_token(api, "ada@example.com", PASSWORD), 429, "too_many_login_attempts")
    assert Token.objects.exists() is False


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, api, customer):
    for _ in range(2):
        client.post(LOGIN, {"login": "ada@example.com", "password": "wrong password"})
    for _ in range(2):
        ask_token(api, "ada@example.com", "wrong password")

    response = ask_token(api, "ada@example.com", PASSWORD)

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=customer).key


def test_one_address_trying_many_accounts_is_limited_too(api):
    # ... and "10/m/ip": ten failures from one address, whatever the accounts tried.
    UserFactory(email="ada@example.com")
    for n in range(10):
        assert ask_token(api, f"nobody{n}@example.com", "guess").status_code == 401

    response = ask_token(api, "ada@example.com", PASSWORD)

    assert_problem(response, 429, "too_many_login_attempts")
    assert 0 < int(response["Retry-After"]) <= 60
    assert Token.objects.exists() is False


def test_the_sign_in_request_limit_counts_api_requests(api, customer, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    assert ask_token(api, "ada@example.com", PASSWORD).status_code == 200
    assert ask_token(api, "ada@example.com", PASSWORD).status_code == 200

    response = ask_token(api, "ada@example.com", PASSWORD)

    assert_problem(response, 429, "too_many_requests")
    assert 0 < int(response["Retry-After"]) <= 60


def test_an_inactive_account_gets_no_token(api):
    UserFactory(email="gone@example.com", is_active=False)

    response = ask_token(api, "gone@example.com", PASSWORD)

    assert_problem(response, 403, "account_inactive")
    assert Token.objects.exists() is False


def test_an_unverified_email_gets_no_token_but_a_fresh_link(api, drain_tasks):
    # As the form does under ACCOUNT_EMAIL_VERIFICATION = "mandatory".
    UserFactory(email="late@example.com", verified=False)

    response = ask_token(api, "late@example.com", PASSWORD)

    body = assert_problem(response, 403, "email_not_verified")
    assert "late@example.com" in body["detail"]
    assert Token.objects.exists() is False
    drain_tasks()  # account emails go through the task queue
    assert [m.to for m in mail.outbox] == [["late@example.com"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert EmailAddress.objects.get(email="late@example.com").verified is False


def test_a_wrong_password_for_an_unverified_email_sends_nothing(api, drain_tasks):
    UserFactory(email="late@example.com", verified=False)

    assert_problem(ask_token(api, "late@example.com", "wrong"), 401, "invalid_credentials")
    drain_tasks()
    assert mail.outbox == []


def ask_token_from(api: APIClient, address: str, email: str, password: str):
    """The token asked through a proxy that appended `address` to X-Forwarded-For."""
    return api.post(
        TOKEN,
        {"email": email, "password": password},
        format="json",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_the_gateway_each_shopper_has_a_limit_of_their_own(api, settings):
    # The split shop's gateway appends the shopper's address to X-Forwarded-For
    # (MICROSTORE_TRUSTED_PROXIES=1): one shopper locked out does not lock the others out,
    # and what a shopper writes into the header themselves does not move them to a new bucket.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(email="ada@example.com")
    for n in range(10):
        spoofed = f"198.51.100.{n}, 203.0.113.7"  # the left part is the shopper's own
        assert ask_token_from(api, spoofed, f"nobody{n}@example.com", "guess").status_code == 401

    locked = ask_token_from(api, "203.0.113.7", "ada@example.com", PASSWORD)
    another = ask_token_from(api, "203.0.113.8", "ada@example.com", PASSWORD)

    assert_problem(locked, 429, "too_many_login_attempts")
    assert another.status_code == 200


def test_without_a_trusted_proxy_the_header_is_ignored(api):
    UserFactory(email="ada@example.com")
    for n in range(10):
        forged = f"198.51.100.{n}"
        assert ask_token_from(api, forged, f"nobody{n}@example.com", "guess").status_code == 401

    response = ask_token_from(api, "203.0.113.8", "ada@example.com", PASSWORD)

    assert_problem(response, 429, "too_many_login_attempts")
