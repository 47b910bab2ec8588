"""allauth's verification and password-reset emails wear the shop's email layout."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
BRAND_MARK = 'bgcolor="#4f46e5" align="center" valign="middle"'


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_signing_up_sends_a_branded_verification_email(client):
    client.post(
        "/accounts/signup/",
        {"email": "grace@example.com", "password1": "a-long-passphrase-9", "password2":
         "a-long-passphrase-9"},
    )  # fmt: skip

    [message] = mail.outbox
    assert message.subject == "Confirm your email address · Microstore"
    assert message.to == ["grace@example.com"]
    assert message.from_email == "Microstore <shop@localhost>"
    link = re.search(r"http://testserver/accounts/confirm-email/[^/\s]+/", message.body)
    assert link is not None
    html = html_of(message)
    assert BRAND_MARK in html
    assert ">Microstore</td>" in html
    assert f'<a href="{link.group(0)}" style="display:inline-block;' in html
    assert ">Confirm email address</a>" in html
    assert message.body.startswith("Microstore\nConfirm your email address\n")
    assert "Hello from" not in message.body  # allauth's own text is replaced
    assert client.get(link.group(0)).status_code == 200  # the link in the email works


def test_a_password_reset_sends_a_branded_email_with_a_working_link(client):
    UserFactory(email="ada@example.com")

    client.post("/accounts/password/reset/", {"email": "ada@example.com"})

    [message] = mail.outbox
    assert message.subject == "Reset your password · Microstore"
    link = re.search(r"http://testserver/accounts/password/reset/key/\S+/", message.body)
    assert link is not None
    html = html_of(message)
    assert BRAND_MARK in html
    assert f'<a href="{link.group(0)}" style="display:inline-block;' in html
    assert ">Choose a new password</a>" in html
    followed = client.get(link.group(0), follow=True)
    assert b"Bad Token" not in followed.content


def test_a_reset_for_an_unknown_email_sends_no_reset_link(client):
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert [m.to for m in mail.outbox] == [["nobody@example.com"]]
    [message] = mail.outbox
    assert message.subject != "Reset your password · Microstore"
    assert "/accounts/password/reset/key/" not in message.body
