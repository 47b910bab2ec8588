"""Two workers holding the same email never send it twice, and neither holds a lock while it
talks to the mail server (PostgreSQL)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from django.db import DatabaseError, connection, transaction

from apps.notifications.models import Notification
from apps.notifications.services import (
    NotificationBusy,
    notification_record,
    notification_send,
)
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
        except NotificationBusy:
            results.append("busy")  # the outbox retries this one later
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

    assert race(row.pk) == ["busy", "sent"]
    assert len(smtp.inbox.messages) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)


def lock_is_free(notification_id: int) -> bool:
    """From another connection: can the notification's row be locked right now?"""
    try:
        with transaction.atomic():
            Notification.objects.select_for_update(nowait=True).filter(pk=notification_id).exists()
    except DatabaseError:
        return False
    finally:
        connection.close()
    return True


def test_the_smtp_send_holds_no_row_lock(postgres_only, smtp):
    order = make_order()
    notification_record(event=OrderPlaced(order=order), kind="order_placed", order=order)
    row = Notification.objects.get()
    seen: list[bool] = []
    original = smtp.inbox.handle_DATA

    async def probe(*args):  # while the worker waits for the server's reply
        seen.append(await asyncio.to_thread(lock_is_free, row.pk))
        return await original(*args)

    smtp.inbox.handle_DATA = probe

    notification_send(row.pk)

    assert seen == [True]
    assert len(smtp.inbox.messages) == 1
    assert Notification.objects.get().status == "sent"
