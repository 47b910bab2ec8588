"""A notification is a record of what was sent: its admin page is a view, with no Save or
Delete."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.admin.models import LogEntry

from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_notification_page_has_no_save_and_refuses_a_post(admin_client):
    row = Notification.objects.create(
        recipient="ada@example.com", kind="order_paid", event_id=uuid.uuid4(),
        event_type="orders.OrderPaid", payload={}, order_number="MS-1", subject="Receipt",
        status="failed", attempts=3, last_error="SMTP refused",
    )  # fmt: skip
    url = f"/admin/notifications/notification/{row.pk}/change/"

    page = admin_client.get(url)
    refused = admin_client.post(url, {"status": "sent"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert 'name="_continue"' not in page.text
    assert "deletelink" not in page.text
    assert "Receipt" in page.text  # the kind's label, not `order_paid`
    assert refused.status_code == 403
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert (
        admin_client.post(f"/admin/notifications/notification/{row.pk}/delete/").status_code == 403
    )
    assert Notification.objects.filter(pk=row.pk).exists()
    assert not LogEntry.objects.exists()
