"""Two workers holding the same send task never send the email twice (PostgreSQL row locks)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from django.db import connection

from apps.notifications.models import Notification
from apps.notifications.services import notification_record, notification_send
from contracts.orders.events import OrderPlaced
from tests.notifications.conftest import make_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(notification_id: int, workers: int = 2) -> list[str]:
    results: list[str] = []
    start = threading.Barrier(workers)

    def work() -> None:
        start.wait()
        try:
            results.append(notification_send(notification_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


def test_two_workers_racing_on_one_notification_send_it_once(postgres_only, smtp):
    original = smtp.inbox.handle_DATA

    async def slow(*args):  # keep the first sender inside its claim while the second arrives
        await asyncio.sleep(0.5)
        return await original(*args)

    smtp.inbox.handle_DATA = slow
    order = make_order()
    notification_record(event=OrderPlaced(order=order), kind="order_placed", order=order)
    row = Notification.objects.get()

    assert race(row.pk) == ["sent", "skipped"]
    assert len(smtp.inbox.messages) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
