"""The worker sends through a real SMTP server; an outage delays an email, never loses or
duplicates it; the retries are the outbox's, and past its attempt limit the email is failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.notifications.models import Notification
from apps.notifications.services import (
    NotificationBusy,
    notification_record,
    notification_send,
)
from contracts.kernel.events import publish
from contracts.orders.events import OrderPlaced
from microstore.outbox import delivery as outbox_delivery
from microstore.outbox.models import Delivery
from tests.accounts.factories import UserFactory
from tests.notifications.conftest import make_order, parts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.SITE_URL = "https://shop.example.com/"


def make_retries_due() -> None:
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_the_worker_sends_the_order_confirmation_over_smtp(smtp, order, drain_tasks):
    publish(OrderPlaced(order=order))

    drain_tasks()

    [message] = smtp.inbox.messages
    assert message["To"] == "ada@example.com"
    assert message["From"] == "Microstore <shop@localhost>"
    assert message["Subject"] == "We've received your order MS-1001 · Microstore"
    assert smtp.inbox.envelopes[0].rcpt_tos == ["ada@example.com"]
    text, html = parts(message)
    assert "Hi Ada Lovelace," in text
    assert "- Stoneware mug (SKU MUG-1): 2 x €14.00 = €28.00" in text
    assert "- Desk lamp (SKU LAMP-1): 1 x €79.00 = €79.00" in text
    assert "Subtotal: €107.00\nShipping: €4.90\nTotal: €111.90" in text
    assert "View your order: https://shop.example.com/orders/MS-1001/" in text
    assert "&lt;" not in text  # plain text is not HTML-escaped
    assert '<a href="https://shop.example.com/orders/MS-1001/"' in html
    assert '<a href="https://shop.example.com/"' in html
    assert 'href="/' not in html  # no relative link survives in an email
    assert "Stoneware mug" in html
    assert "2 &times; €14.00" in html
    assert ">€111.90</td>" in html
    row = Notification.objects.get()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None


def test_the_greeting_uses_the_account_name_from_accounts(smtp, drain_tasks):
    customer = UserFactory(first_name="Grace", last_name="Hopper")
    publish(OrderPlaced(order=make_order(customer_id=customer.pk)))

    drain_tasks()

    text, html = parts(smtp.inbox.messages[0])
    assert "Hi Grace Hopper," in text
    assert "Hi Grace Hopper," in html
    assert "Ada Lovelace," not in text


def test_an_smtp_outage_delays_the_email_and_loses_or_duplicates_nothing(smtp, order, drain_tasks):
    smtp.stop()
    publish(OrderPlaced(order=order))  # as checkout does

    drain_tasks()

    row = Notification.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("ConnectionRefusedError")
    smtp.start()
    drain_tasks()
    assert smtp.inbox.messages == []  # the retry waits for its backoff

    make_retries_due()
    drain_tasks()
    make_retries_due()
    drain_tasks()

    assert [m["Subject"] for m in smtp.inbox.messages] == [
        "We've received your order MS-1001 · Microstore"
    ]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_a_sent_notification_is_never_sent_again(smtp, order, drain_tasks):
    publish(OrderPlaced(order=order))
    drain_tasks()
    row = Notification.objects.get()

    result = notification_send(row.pk)  # a late duplicate task

    assert result == "skipped"
    assert len(smtp.inbox.messages) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)


def test_replaying_the_dead_delivery_from_the_outbox_sends_the_failed_email_once(
    smtp, order, drain_tasks, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    smtp.stop()
    publish(OrderPlaced(order=order))
    drain_tasks()
    assert Notification.objects.get().status == "failed"
    smtp.start()

    dead = Delivery.objects.get(subscriber="notifications.send_email", status="dead")
    assert outbox_delivery.replay([dead.pk]) == 1
    drain_tasks()
    assert notification_send(Notification.objects.get().pk) == "skipped"  # a late duplicate

    assert len(smtp.inbox.messages) == 1
    row = Notification.objects.get()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_an_email_whose_sender_died_is_sent_when_its_lease_runs_out(smtp, order, drain_tasks):
    notification_record(event=OrderPlaced(order=order), kind="order_placed", order=order)
    row = Notification.objects.get()
    soon = timezone.now() + timedelta(minutes=4)
    # As a worker killed inside the SMTP send leaves them: both claimed, nothing recorded.
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["killed"])
    Delivery.objects.update(status="running", attempts=1, lease_until=soon)
    Notification.objects.update(status="sending", attempts=1, lease_until=soon)

    assert outbox_delivery.requeue_stale() == 0  # the leases still hold
    with pytest.raises(NotificationBusy):
        notification_send(row.pk)
    assert smtp.inbox.messages == []

    gone = timezone.now() - timedelta(seconds=1)
    Delivery.objects.update(lease_until=gone)
    Notification.objects.update(lease_until=gone)
    assert outbox_delivery.requeue_stale() == 1
    drain_tasks()

    assert [m["Subject"] for m in smtp.inbox.messages] == [
        "We've received your order MS-1001 · Microstore"
    ]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.lease_until) == ("sent", 2, None)


def test_email_retries_are_the_outbox_retries_with_its_settings(smtp, order, drain_tasks, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_BACKOFF_SECONDS = 0  # every retry is due at once
    smtp.stop()
    publish(OrderPlaced(order=order))

    drain_tasks()

    row = Notification.objects.get()
    assert (row.status, row.attempts) == ("failed", 3)
    sending = Delivery.objects.get(subscriber="notifications.send_email")
    assert (sending.status, sending.attempts) == ("dead", 3)
    assert sending.last_error.startswith("ConnectionRefusedError")
    assert DBTaskResult.objects.filter(status="READY").count() == 0  # no retry left
