"""A shop with an hour of history, for the dashboard's tests and screenshots."""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

from django.utils import timezone

from apps.notifications.models import Notification
from apps.orders.models import Order
from microstore.ops.models import Sample
from microstore.ops.readings import this_minute
from microstore.ops.recorder import recorder
from microstore.outbox.models import Delivery, OutboxEvent


def order(number: str, status: str = "paid", total: str = "30.00", minutes_ago: int = 0) -> Order:
    now = timezone.now()
    row = Order.objects.create(
        number=number,
        customer_id=1,
        email="ada@example.com",
        status=status,
        currency="EUR",
        subtotal=Decimal(total),
        shipping=Decimal(0),
        total=Decimal(total),
        ship_full_name="Ada",
        ship_line1="1 Rue de Rivoli",
        ship_city="Paris",
        ship_postal_code="75001",
        ship_country="FR",
        reservation_ref=f"order:{number}",
        reservation_expires_at=now,
        idempotency_key=number,
        request_fingerprint="x",
    )
    if minutes_ago:
        Order.objects.filter(pk=row.pk).update(placed_at=now - timedelta(minutes=minutes_ago))
    return row


def history(minutes: int = 60) -> None:
    """Past minutes of requests and contract calls, as the recorder would have written them."""
    end = this_minute()
    rows = []
    for i in range(1, minutes):
        wave = 1 + math.sin(i / 6)
        calls = int(40 + 30 * wave)
        slow = int(calls * (0.02 + 0.04 * wave))  # the slowest few per cent vary with load
        rows.append(
            Sample(
                minute=end - timedelta(minutes=i),
                series="http",
                calls=calls,
                failed=i % 17 == 0,
                refused=i % 5 == 0,
                seconds=calls * 0.03,
                b2=calls // 2,
                b3=calls - calls // 2 - slow,
                b5=slow,
            )  # fmt: skip
        )
        rows.append(
            Sample(
                minute=end - timedelta(minutes=i),
                series="catalog.get_products",
                calls=calls,
                seconds=calls * 0.004,
                b0=calls - 2,
                b1=2,
            )  # fmt: skip
        )
    Sample.objects.bulk_create(rows)


def trouble() -> None:
    """A dead delivery, an email that failed for good and an error in the log."""
    now = timezone.now()
    event = OutboxEvent.objects.create(
        id=uuid4(), event_type="orders.OrderPaid", payload={}, occurred_at=now,
        request_id="req-7f3a",
    )  # fmt: skip
    Delivery.objects.create(
        event=event, subscriber="notifications.on_order_paid", status="dead", attempts=8,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )  # fmt: skip
    Notification.objects.create(
        recipient="ada@example.com", kind="order_paid", event_id=uuid4(),
        event_type="orders.OrderPaid", payload={}, order_number="MS-1001",
        subject="Your receipt for MS-1001",
        status="failed", attempts=8, last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
    )  # fmt: skip
    logging.getLogger("apps.payments.webhooks").error("webhook signature check failed twice")
    recorder.flush()
