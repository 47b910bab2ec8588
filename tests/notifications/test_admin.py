"""Staff find notifications and send failed ones again from the admin."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from apps.notifications.models import Notification
from contracts.kernel.events import publish
from contracts.orders.events import OrderPlaced
from tests.accounts.factories import UserFactory
from tests.notifications.conftest import make_order

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/notifications/notification/"


def send_again(client, *rows: Notification):
    return client.post(
        CHANGELIST,
        {"action": "send_again", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )


@pytest.fixture
def failed(smtp, drain_tasks, settings) -> Notification:
    settings.OUTBOX_MAX_ATTEMPTS = 1
    smtp.stop()
    publish(OrderPlaced(order=make_order()))
    drain_tasks()
    smtp.start()
    row = Notification.objects.get()
    assert row.status == "failed"
    return row


def test_send_again_resends_a_failed_notification(admin_client, failed, smtp, drain_tasks):
    response = send_again(admin_client, failed)
    drain_tasks()

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 failed emails queued again."
    ]
    assert [m["Subject"] for m in smtp.inbox.messages] == [
        "We've received your order MS-1001 · Microstore"
    ]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("sent", 1, "")


def test_send_again_leaves_a_sent_notification_alone(admin_client, smtp, drain_tasks):
    publish(OrderPlaced(order=make_order()))
    drain_tasks()
    row = Notification.objects.get()

    response = send_again(admin_client, row)
    drain_tasks()

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "0 failed emails queued again.",
        "1 selected emails had not failed and were left alone.",
    ]
    assert len(smtp.inbox.messages) == 1


def test_staff_find_notifications_by_order_and_filter_by_status(admin_client, drain_tasks):
    publish(OrderPlaced(order=make_order("MS-2001")))
    publish(OrderPlaced(order=make_order("MS-2002")))
    drain_tasks()

    found = admin_client.get(CHANGELIST, {"q": "MS-2002"}).content.decode()
    none_failed = admin_client.get(CHANGELIST, {"status__exact": "failed"}).content.decode()

    assert "MS-2002" in found
    assert "MS-2001" not in found
    assert "MS-200" not in none_failed


def test_a_shopper_cannot_see_notifications_in_the_admin(client):
    client.force_login(UserFactory())

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_account_email_is_listed_without_its_one_time_link(admin_client, client, drain_tasks):
    client.post(
        "/accounts/signup/",
        {
            "email": "grace@example.com",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    drain_tasks()
    row = Notification.objects.get(kind="account")
    assert "/accounts/confirm-email/" in row.body_text  # stored to be sent, as any email

    listing = admin_client.get(CHANGELIST).content.decode()
    page = admin_client.get(f"{CHANGELIST}{row.pk}/change/").content.decode()

    assert "grace@example.com" in listing
    assert "Confirm your email address · Microstore" in page
    assert "/accounts/confirm-email/" not in page
    assert "/accounts/confirm-email/" not in listing
