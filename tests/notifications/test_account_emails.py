"""allauth's verification and password-reset emails wear the shop's email layout and are sent
by the worker, never inside the request: a mail outage cannot break sign-up."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
BRAND_MARK = 'bgcolor="#4f46e5" align="center" valign="middle"'


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_signing_up_sends_a_branded_verification_email(client, drain_tasks):
    client.post(
        "/accounts/signup/",
        {"email": "grace@example.com", "password1": "a-long-passphrase-9", "password2":
         "a-long-passphrase-9"},
    )  # fmt: skip
    assert mail.outbox == []  # queued: the worker sends it
    drain_tasks()

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


def test_a_password_reset_sends_a_branded_email_with_a_working_link(client, drain_tasks):
    UserFactory(email="ada@example.com")

    client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    drain_tasks()

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


def test_a_reset_for_an_unknown_email_sends_no_reset_link(client, drain_tasks):
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    drain_tasks()

    assert [m.to for m in mail.outbox] == [["nobody@example.com"]]
    [message] = mail.outbox
    assert message.subject != "Reset your password · Microstore"
    assert "/accounts/password/reset/key/" not in message.body


def test_sign_up_succeeds_while_smtp_is_down_and_the_email_follows(client, smtp, drain_tasks):
    smtp.stop()

    response = client.post(
        "/accounts/signup/",
        {
            "email": "grace@example.com",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="grace@example.com").exists()
    drain_tasks()  # the server is still down: the email waits for a retry
    assert smtp.inbox.messages == []
    smtp.start()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    drain_tasks()
    [message] = smtp.inbox.messages
    assert message["To"] == "grace@example.com"
    assert message["Subject"] == "Confirm your email address · Microstore"
    assert "/accounts/confirm-email/" in message.get_body(preferencelist=("plain",)).get_content()
    drain_tasks()
    assert len(smtp.inbox.messages) == 1
