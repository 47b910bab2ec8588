"""Each order email says what the shopper needs, in both parts, with absolute links."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core import mail

from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.orders.events import (
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderPaymentFailed,
    OrderRefunded,
)
from tests.notifications.conftest import make_order

pytestmark = pytest.mark.django_db
ORDER = make_order()
ORDER_URL = "https://shop.example.com/orders/MS-1001/"


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.SITE_URL = "https://shop.example.com"


def sent_parts() -> tuple[str, str, str]:
    [message] = mail.outbox
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert message.from_email == "Microstore <shop@localhost>"
    assert message.to == ["ada@example.com"]
    return message.subject, message.body, html


def test_the_receipt_states_the_amount_paid_with_lines_and_totals(drain_tasks):
    publish(OrderPaid(order=ORDER))
    drain_tasks()

    subject, text, html = sent_parts()
    assert subject == "Your receipt for order MS-1001 · Microstore"
    assert "received your payment of €111.90 for order MS-1001" in text
    assert "Total: €111.90" in text
    assert "received your payment of <strong>€111.90</strong>" in html
    assert f'href="{ORDER_URL}"' in html


def test_a_failed_payment_gives_the_reason_and_a_link_to_retry(drain_tasks):
    publish(OrderPaymentFailed(order=ORDER, reason="Your card was declined."))
    drain_tasks()

    subject, text, html = sent_parts()
    assert subject == "Payment for order MS-1001 didn't go through · Microstore"
    assert "What happened: Your card was declined." in text
    assert f"from your order page:\n{ORDER_URL}" in text
    assert "Your card was declined." in html
    assert f'<a href="{ORDER_URL}" style="display:inline-block;' in html
    assert ">Retry payment</a>" in html


def test_a_shipped_order_gives_the_tracking_number(drain_tasks):
    publish(OrderFulfilled(order=ORDER, tracking_number="1Z999AA10123456784"))
    drain_tasks()

    subject, text, html = sent_parts()
    assert subject == "Order MS-1001 is on its way · Microstore"
    assert "Tracking number: 1Z999AA10123456784" in text
    assert "</span>1Z999AA10123456784</td>" in html


def test_a_cancelled_order_gives_the_reason(drain_tasks):
    publish(OrderCancelled(order=ORDER, reason="Cancelled at the customer's request"))
    drain_tasks()

    subject, text, html = sent_parts()
    assert subject == "Order MS-1001 has been cancelled · Microstore"
    assert "Reason: Cancelled at the customer's request" in text
    assert "Cancelled at the customer&#x27;s request" in html  # escaped in HTML, not in text


def test_a_refund_gives_the_amount_refunded(drain_tasks):
    publish(OrderRefunded(order=ORDER, amount=Money("28.00", "EUR")))
    drain_tasks()

    subject, text, html = sent_parts()
    assert subject == "Your refund for order MS-1001 · Microstore"
    assert "We've refunded €28.00 for order MS-1001" in text
    assert "refunded <strong>€28.00</strong>" in html


def test_an_order_without_shipping_costs_says_free(drain_tasks):
    free = replace(make_order(), shipping=Money("0", "EUR"))
    publish(OrderPaid(order=free))
    drain_tasks()

    _, text, html = sent_parts()
    assert "Shipping: Free" in text
    assert "€0.00" not in text
    assert "€0.00" not in html
