"""The HTML emails in a real Chromium at phone and desktop width: saved for a person to look at."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from contracts.kernel.events import publish
from contracts.orders.events import OrderPaid, OrderPlaced
from tests.notifications.conftest import make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (390, 1280)


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def look_at(page, shot, html: str, kind: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.set_content(html)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
        assert page.get_by_role("heading", level=1).is_visible()
        assert page.get_by_role("link").first.is_visible()
        shot(f"email-{kind}-{width}")


def test_order_emails_look_right_at_phone_and_desktop_width(page, shot, drain_tasks):
    order = make_order()
    publish(OrderPlaced(order=order))
    publish(OrderPaid(order=order))
    drain_tasks()

    placed, paid = sorted(mail.outbox, key=lambda m: m.subject.startswith("Your receipt"))
    look_at(page, shot, html_of(placed), "order_placed")
    look_at(page, shot, html_of(paid), "order_paid")


def test_the_verification_email_looks_right_at_phone_and_desktop_width(page, shot, drain_tasks):
    Client().post(
        "/accounts/signup/",
        {"email": "grace@example.com", "password1": "a-long-passphrase-9",
         "password2": "a-long-passphrase-9"},
    )  # fmt: skip
    drain_tasks()  # the worker sends it

    [message] = mail.outbox
    look_at(page, shot, html_of(message), "verification")
