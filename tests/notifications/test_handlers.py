"""Subscribers record one notification per (event, kind) and queue it through the outbox."""

from __future__ import annotations

import pytest
from django.core import mail

from apps.notifications import handlers
from apps.notifications.models import Notification
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.orders.events import (
    OrderCancelled,
    OrderDelivered,
    OrderFulfilled,
    OrderPaid,
    OrderPaymentFailed,
    OrderPlaced,
    OrderRefunded,
)
from microstore.outbox.models import Delivery
from tests.notifications.conftest import make_order

pytestmark = pytest.mark.django_db
ORDER = make_order()

EVENTS = [
    (OrderPlaced(order=ORDER), "order_placed", "We've received your order MS-1001"),
    (OrderPaid(order=ORDER), "order_paid", "Your receipt for order MS-1001"),
    (
        OrderPaymentFailed(order=ORDER, reason="Your card was declined."),
        "order_payment_failed",
        "Payment for order MS-1001 didn't go through",
    ),
    (
        OrderFulfilled(order=ORDER, tracking_number="TRK123"),
        "order_fulfilled",
        "Order MS-1001 is on its way",
    ),
    (
        OrderCancelled(order=ORDER, reason="Out of stock"),
        "order_cancelled",
        "Order MS-1001 has been cancelled",
    ),
    (
        OrderRefunded(order=ORDER, amount=Money("28.00", "EUR")),
        "order_refunded",
        "Your refund for order MS-1001",
    ),
]


def send_tasks() -> int:
    """Emails queued: deliveries of `EmailQueued` to the sending subscriber."""
    return Delivery.objects.filter(subscriber="notifications.send_email").count()


@pytest.mark.parametrize(("event", "kind", "subject"), EVENTS)
def test_each_order_event_records_one_pending_notification_and_its_task(event, kind, subject):
    handler = getattr(handlers, f"on_{kind}")

    handler(event)

    row = Notification.objects.get()
    assert (row.kind, row.event_id, row.recipient, row.order_number) == (
        kind,
        event.event_id,
        "ada@example.com",
        "MS-1001",
    )
    assert row.subject == f"{subject} · Microstore"
    assert (row.status, row.attempts, row.last_error, row.sent_at) == ("pending", 0, "", None)
    assert send_tasks() == 1
    assert mail.outbox == []  # recording never sends: the task does


@pytest.mark.parametrize(("event", "kind", "subject"), EVENTS)
def test_a_duplicate_delivery_records_and_enqueues_nothing(event, kind, subject):
    handler = getattr(handlers, f"on_{kind}")
    handler(event)

    handler(event)  # the outbox delivers at least once

    assert Notification.objects.count() == 1
    assert send_tasks() == 1


def test_two_events_of_the_same_kind_are_two_notifications():
    handlers.on_order_placed(OrderPlaced(order=ORDER))
    handlers.on_order_placed(OrderPlaced(order=make_order("MS-1002")))

    assert sorted(Notification.objects.values_list("order_number", flat=True)) == [
        "MS-1001",
        "MS-1002",
    ]
    assert send_tasks() == 2


def test_a_published_order_event_is_emailed_by_the_worker_exactly_once(drain_tasks):
    event = OrderPlaced(order=ORDER)
    publish(event)
    assert Notification.objects.count() == 0  # nothing happens before the worker runs

    drain_tasks()
    drain_tasks()

    assert [m.subject for m in mail.outbox] == ["We've received your order MS-1001 · Microstore"]
    assert Notification.objects.get().status == "sent"


def test_an_event_shoppers_are_not_emailed_about_records_nothing(drain_tasks):
    publish(OrderDelivered(order=ORDER))

    drain_tasks()

    assert Notification.objects.count() == 0
    assert mail.outbox == []
