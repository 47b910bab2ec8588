"""A shop with an hour of history, for the dashboard's tests and screenshots."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from django.utils import timezone

from apps.notifications.models import Notification
from apps.orders.models import Order
from contracts.catalog.dto import CatalogFigures
from contracts.directory import CONTRACTS
from contracts.kernel.money import Money
from contracts.kernel.registry import registry
from contracts.kernel.service import ServiceHealth
from contracts.orders.dto import MinuteCount, OrderFigures, OrderStatus, StatusCount
from contracts.payments.dto import PaymentFigures
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


@dataclass
class Elsewhere:
    """A service that runs in another process, as this one sees it: healthy, and answering
    its figures with `answer` (this process holds none of its rows). `asked` keeps each call's
    arguments."""

    service: str
    answer: object
    asked: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    def health(self) -> ServiceHealth:
        return ServiceHealth(self.service, CONTRACTS[self.service].version, ok=True)

    def figures(self, since: datetime, per_minute_since: datetime | None = None) -> object:
        self.asked.append((since, per_minute_since))
        return self.answer


def remote_figures(minute: datetime) -> dict[str, Elsewhere]:
    """Orders, payments and catalog elsewhere, with figures no row here could give: 1,234
    orders placed today (7 of them in `minute`), 1,000 paid for €98,765.40 and $12.00."""
    counts = {OrderStatus.PAID: 900, OrderStatus.DELIVERED: 100, OrderStatus.CANCELLED: 234}
    orders = OrderFigures(
        by_status=tuple(StatusCount(status, counts.get(status, 0)) for status in OrderStatus),
        placed=1234,
        paid=1000,
        revenue=(Money(Decimal("98765.40"), "EUR"), Money(Decimal("12.00"), "USD")),
        placed_per_minute=(MinuteCount(minute, 7),),
    )
    return {
        "orders": Elsewhere("orders", orders),
        "payments": Elsewhere("payments", PaymentFigures(failed=17)),
        "catalog": Elsewhere("catalog", CatalogFigures(reservations_expired=5)),
    }


@contextmanager
def elsewhere(services: dict[str, Elsewhere]) -> Iterator[dict[str, Elsewhere]]:
    """Answer each of `services` with its stand-in inside the block."""
    with ExitStack() as stack:
        for name, stand_in in services.items():
            stack.enter_context(registry.override(name, stand_in))
        yield services


def service_tables_in(queries: list[dict[str, str]], *services: str) -> list[str]:
    """The queries (as CaptureQueriesContext keeps them) that touch a table of `services`."""
    return [q["sql"] for q in queries if any(f'"{s}_' in q["sql"] for s in services)]
