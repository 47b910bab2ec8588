"""The notifications contract, kept by every binding (local, loopback, HTTP).

Emails wait in the task queue until the test runs the worker (`drain_tasks`), in its own
thread whichever binding queued them. An email fails for good the real way: the SMTP backend
pointed at a port nobody listens on, with one try allowed, then the test mailer is back.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from datetime import datetime

import pytest
from django.core import mail

from contracts.kernel.errors import InvalidRequest
from contracts.kernel.events import publish
from contracts.notifications.dto import AccountEmailDTO, FailedNotificationDTO
from contracts.notifications.service import VERSION
from contracts.orders.events import OrderPlaced
from tests.contracts.conftest import implementations
from tests.notifications.conftest import make_order

notifications = implementations("notifications")


def email(n: int = 1, **changes: object) -> AccountEmailDTO:
    fields = {
        "key": uuid.UUID(int=n),
        "recipient": f"grace{n}@example.com",
        "subject": f"Confirm your email address ({n}) · Microstore",
        "text": f"Confirm: https://shop.example.com/accounts/confirm-email/KEY{n}/\n",
        "html": f"<p>Confirm {n}</p>",
    }
    return AccountEmailDTO(**(fields | changes))  # type: ignore[arg-type]


@pytest.fixture
def mail_server_down(settings) -> Callable[[], None]:
    """Until the returned `back()` is called, every email fails for good at its first try."""
    with socket.socket() as probe:  # a free port, closed again: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    working = settings.MAILERS
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }

    def back() -> None:
        settings.MAILERS = working

    return back


@pytest.fixture
def fail(notifications, mail_server_down, drain_tasks) -> Callable[..., list[int]]:
    """`fail(1, 2, 3)`: account emails 1, 2 and 3 queued in that order and failed for good;
    returns their ids, newest first (as the contract lists them); the mailer is back after."""

    def failed(*numbers: int) -> list[int]:
        for n in numbers:
            notifications.queue_account_email(email(n))
        drain_tasks()
        mail_server_down()
        return [row.id for row in notifications.recent_failures(100)]

    return failed


def test_health_names_the_service_and_its_contract_version(notifications):
    health = notifications.health()

    assert (health.service, health.version, health.ok) == ("notifications", VERSION, True), health


def test_queue_account_email_is_sent_by_the_worker_as_rendered(notifications, drain_tasks):
    assert notifications.queue_account_email(email(1)) is True
    assert mail.outbox == []  # never inside the caller's request

    drain_tasks()

    [message] = mail.outbox
    assert (message.to, message.subject, message.body) == (
        ["grace1@example.com"], email(1).subject, email(1).text,
    )  # fmt: skip
    assert message.alternatives[0] == ("<p>Confirm 1</p>", "text/html")


def test_queue_account_email_with_the_same_key_is_one_email(notifications, drain_tasks):
    assert notifications.queue_account_email(email(1)) is True

    assert notifications.queue_account_email(email(1, subject="Changed")) is False
    drain_tasks()
    assert notifications.queue_account_email(email(1)) is False  # sent already: not again
    drain_tasks()

    assert [(m.to, m.subject) for m in mail.outbox] == [(["grace1@example.com"], email(1).subject)]


@pytest.mark.parametrize(
    "changes", [{"recipient": ""}, {"recipient": "  "}, {"subject": ""}, {"subject": " \n"}]
)
def test_queue_account_email_without_recipient_or_subject_is_refused(
    notifications, drain_tasks, changes
):
    refused = email(1, **changes)

    with pytest.raises(InvalidRequest) as caught:
        notifications.queue_account_email(refused)

    assert caught.value.code == "invalid_request"
    assert (caught.value.message, caught.value.details) == (
        "an email needs a recipient and a subject", {"recipient": refused.recipient},
    )  # fmt: skip
    drain_tasks()
    assert mail.outbox == []
    assert notifications.queue_account_email(email(1)) is True  # the key was not taken


def test_recent_failures_is_empty_when_nothing_failed(notifications, drain_tasks):
    notifications.queue_account_email(email(1))
    drain_tasks()

    assert notifications.recent_failures() == ()
    assert len(mail.outbox) == 1


def test_recent_failures_lists_the_newest_first_within_the_limit(
    notifications, mail_server_down, drain_tasks
):
    publish(OrderPlaced(order=make_order("MS-1001")))
    drain_tasks()
    notifications.queue_account_email(email(2))
    drain_tasks()
    notifications.queue_account_email(email(3))
    drain_tasks()

    newest = notifications.recent_failures(2)
    every = notifications.recent_failures(100)

    assert [(f.kind, f.recipient, f.subject, f.order_number) for f in every] == [
        ("account", "grace3@example.com", email(3).subject, ""),
        ("account", "grace2@example.com", email(2).subject, ""),
        ("order_placed", "ada@example.com", "We've received your order MS-1001 · Microstore",
         "MS-1001"),
    ]  # fmt: skip
    assert newest == every[:2]
    assert all(type(f) is FailedNotificationDTO for f in every)
    assert {f.attempts for f in every} == {1}
    assert all("ConnectionRefusedError" in f.last_error for f in every), every[0].last_error
    assert all(isinstance(f.created_at, datetime) and f.created_at.tzinfo for f in every)
    assert every[0].created_at >= every[1].created_at >= every[2].created_at


def test_recent_failures_gives_ten_by_default(notifications, fail):
    ids = fail(*range(1, 12))

    assert [f.id for f in notifications.recent_failures()] == ids[:10]
    assert len(ids) == 11


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_recent_failures_with_a_limit_outside_1_to_100_is_refused(notifications, fail, limit):
    fail(1)

    with pytest.raises(InvalidRequest) as caught:
        notifications.recent_failures(limit)

    assert (caught.value.message, caught.value.details) == (
        "limit must be from 1 to 100", {"limit": limit},
    )  # fmt: skip
    assert len(notifications.recent_failures(1)) == len(notifications.recent_failures(100)) == 1


def test_resend_queues_the_failed_ones_again_and_the_worker_sends_them(
    notifications, fail, drain_tasks
):
    first, second = fail(1, 2)  # newest first: account email 2, then 1

    assert notifications.resend((first, second)) == 2
    drain_tasks()

    assert sorted(m.subject for m in mail.outbox) == [email(1).subject, email(2).subject]
    assert notifications.recent_failures() == ()


def test_resend_leaves_sent_emails_and_unknown_ids_alone(notifications, fail, drain_tasks):
    sent, failed = fail(1, 2)
    assert notifications.resend((sent,)) == 1
    drain_tasks()
    assert [m.subject for m in mail.outbox] == [email(2).subject]

    assert notifications.resend((sent, 2_000_000_000)) == 0
    assert notifications.resend((failed, sent)) == 1
    assert notifications.resend((failed,)) == 0  # queued again already: once is enough
    drain_tasks()

    assert [m.subject for m in mail.outbox] == [email(2).subject, email(1).subject]
    assert notifications.resend(()) == 0
    drain_tasks()
    assert len(mail.outbox) == 2  # nothing sent twice
