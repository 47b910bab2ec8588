"""The notifications contract queues rendered account emails for the worker, once per key."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail

from apps.notifications.models import Notification
from contracts.kernel.errors import InvalidRequest
from contracts.notifications.dto import AccountEmailDTO
from contracts.notifications.service import notifications_service

pytestmark = pytest.mark.django_db


def email(**changes) -> AccountEmailDTO:
    fields = {
        "key": uuid.UUID("6f1c0a52-8c2e-4a59-9d0e-1b7c2f0a9e11"),
        "recipient": "grace@example.com",
        "subject": "Confirm your email address · Microstore",
        "text": "Confirm: https://shop.example.com/accounts/confirm-email/KEY/\n",
        "html": "<p>Confirm</p>",
    }
    return AccountEmailDTO(**(fields | changes))


def test_an_account_email_is_queued_then_sent_by_the_worker_as_rendered(drain_tasks):
    assert notifications_service().queue_account_email(email()) is True
    assert mail.outbox == []  # never inside the caller's request

    drain_tasks()

    [message] = mail.outbox
    assert (message.to, message.subject) == (["grace@example.com"], email().subject)
    assert message.body == email().text
    assert message.alternatives[0] == ("<p>Confirm</p>", "text/html")
    assert message.extra_headers["Message-ID"] == (
        "<account.6f1c0a52-8c2e-4a59-9d0e-1b7c2f0a9e11@localhost>"
    )
    assert Notification.objects.get().status == "sent"


def test_the_same_key_queues_one_email(drain_tasks):
    notifications_service().queue_account_email(email())

    assert notifications_service().queue_account_email(email(subject="Other")) is False
    drain_tasks()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("changes", [{"recipient": " "}, {"subject": ""}])
def test_an_email_without_recipient_or_subject_is_refused(changes):
    with pytest.raises(InvalidRequest):
        notifications_service().queue_account_email(email(**changes))

    assert not Notification.objects.exists()
