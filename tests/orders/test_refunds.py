"""Partial refunds, as staff and shopper see them: recorded once per PaymentRefunded, the order
keeps its status (it can still ship), and every view says what went back, of what, and when."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from apps.orders.handlers import on_payment_refunded
from apps.orders.models import Order, OrderRefund
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.payments.events import PaymentRefunded, PaymentSucceeded

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(place, mug, drain_tasks):
    order = place({mug: 2})  # 2 × 12.00 + 4.90 shipping
    total = Money(order.total, "EUR")
    publish(PaymentSucceeded(order_ref=order.number, payment_ref=order.payment_ref, amount=total))
    drain_tasks()
    order.refresh_from_db()
    assert order.status == "paid"
    return order


def refunded(order, amount: str, *, full: bool = False) -> PaymentRefunded:
    return PaymentRefunded(order_ref=order.number, payment_ref=order.payment_ref,
                           amount=Money(Decimal(amount), "EUR"), fully_refunded=full)  # fmt: skip


def test_a_partial_refund_is_recorded_once_and_the_order_stays_paid(paid):
    event = refunded(paid, "5.00")

    on_payment_refunded(event)
    on_payment_refunded(event)  # redelivered by the outbox

    paid.refresh_from_db()
    assert (paid.status, paid.refunded, paid.partially_refunded) == ("paid", Decimal("5.00"), True)
    [row] = OrderRefund.objects.all()
    assert (row.amount, row.cause_event_id, row.payment_ref) == (
        Decimal("5.00"), event.event_id, paid.payment_ref)  # fmt: skip
    total = Money(paid.total, "EUR").format()
    assert paid.timeline.last().reason == f"refunded €5.00 (€5.00 of {total} in all)"
    assert paid.refund_summary() == f"€5.00 of {total}"


def test_the_rest_refunded_later_makes_it_refunded(paid):
    on_payment_refunded(refunded(paid, "5.00"))
    on_payment_refunded(refunded(paid, str(paid.total - 5), full=True))

    paid.refresh_from_db()
    assert (paid.status, paid.refunded, paid.partially_refunded) == ("refunded", paid.total, False)
    assert OrderRefund.objects.count() == 2


def test_nothing_refunded_shows_nothing(client, shopper, paid):
    client.force_login(shopper)

    page = client.get(f"/orders/{paid.number}/").content.decode()

    assert "refunded" not in page.lower()
    assert paid.refund_summary() == ""


def test_the_shopper_sees_the_partial_refund_on_the_order_and_the_list(client, shopper, paid):
    on_payment_refunded(refunded(paid, "5.00"))
    client.force_login(shopper)
    today = timezone.localdate().strftime("%-d %B %Y")
    total = Money(paid.total, "EUR").format()
    left = Money(paid.total - 5, "EUR").format()

    page = " ".join(client.get(f"/orders/{paid.number}/").content.decode().split())
    listing = " ".join(client.get("/orders/").content.decode().split())

    assert f"Partially refunded €5.00 of {total} on {today}: {left} stays paid." in page
    assert '<span class="status status-paid">Paid</span>' in page  # the status stays
    assert '<span class="status status-partially_refunded">Partially refunded</span>' in page
    assert f"<dt>Paid, after refunds</dt><dd>{left}</dd>" in page
    assert "Partially refunded</span>" in listing
    assert "€5.00 refunded" in listing


def test_the_api_gives_the_refunded_amount_and_each_refund(client, shopper, paid):
    on_payment_refunded(refunded(paid, "5.00"))
    client.force_login(shopper)

    body = client.get(f"/api/v1/orders/{paid.number}/").json()

    assert (body["status"], body["refunded"]) == ("paid", "5.00")
    [refund] = body["refunds"]
    assert refund["amount"] == "5.00"


def test_staff_see_and_filter_partially_refunded_orders(admin_client, paid, place, mug):
    on_payment_refunded(refunded(paid, "5.00"))
    other = place({mug: 1})
    total = Money(paid.total, "EUR").format()

    partial = admin_client.get("/admin/orders/order/?refunds=partial").content.decode()
    none = admin_client.get("/admin/orders/order/?refunds=none").content.decode()

    assert f"€5.00 of {total}" in partial
    assert paid.number in partial
    assert other.number not in partial
    assert other.number in none
    assert paid.number not in none


def test_the_order_emails_after_a_partial_refund_say_what_went_back(paid):
    from apps.orders.snapshots import order_dto

    on_payment_refunded(refunded(paid, "5.00"))
    dto = order_dto(Order.objects.get(pk=paid.pk))

    assert dto.refunded == Money(Decimal("5.00"), "EUR")
    from django.template.loader import render_to_string

    text = render_to_string("notifications/email/_order.txt", {"order": dto})
    assert f"Refunded: €5.00 of {Money(paid.total, 'EUR').format()}" in text
