"""Rendering a notification: subject, plain text and HTML, from the event it records."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from apps.notifications.models import Notification
from contracts.accounts.service import accounts_service
from contracts.kernel import codec
from contracts.kernel.errors import ContractError
from contracts.kernel.events import Event, event_class
from contracts.orders.dto import OrderDTO

Kind = Notification.Kind

SUBJECTS: dict[str, str] = {
    Kind.ORDER_PLACED: "We've received your order {number}",
    Kind.ORDER_PAID: "Your receipt for order {number}",
    Kind.ORDER_PAYMENT_FAILED: "Payment for order {number} didn't go through",
    Kind.ORDER_FULFILLED: "Order {number} is on its way",
    Kind.ORDER_CANCELLED: "Order {number} has been cancelled",
    Kind.ORDER_REFUNDED: "Your refund for order {number}",
}


def subject_for(kind: str, order: OrderDTO) -> str:
    return f"{SUBJECTS[kind].format(number=order.number)} · {settings.SITE_NAME}"


def absolute(path: str) -> str:
    """`path` on the shop's public address (`SITE_URL`): emails need absolute links."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _customer_name(order: OrderDTO) -> str:
    """The account's display name; the shipping name when accounts cannot tell us."""
    try:
        name = accounts_service().get_customer(order.customer_id).name
    except ContractError:
        name = ""
    return name or order.shipping_address.full_name


def context_for(event: Event) -> dict[str, Any]:
    order: OrderDTO = event.order  # type: ignore[attr-defined]  # every order event has one
    return {
        "event": event,
        "order": order,
        "customer_name": _customer_name(order),
        "order_url": absolute(reverse("orders:detail", args=[order.number])),
        "shop_url": absolute(reverse("catalog:home")),
    }


def build_message(notification: Notification) -> EmailMultiAlternatives:
    """The email for `notification`, From `DEFAULT_FROM_EMAIL`, with text and HTML parts.

    Its Message-ID is the notification's own, the same on every try: if a worker died after
    the server accepted the email but before recording it, the copy sent again is recognisably
    the same message."""
    text, html = _parts(notification)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={"Message-ID": message_id(notification)},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def message_id(notification: Notification) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{notification.kind}.{notification.event_id}@{domain}>"


def _parts(notification: Notification) -> tuple[str, str]:
    if notification.kind == Kind.ACCOUNT:  # rendered by allauth when it was queued
        return notification.body_text, notification.body_html
    event = codec.decode(notification.payload, event_class(notification.event_type))
    context = context_for(event) | {"subject": notification.subject}
    name = f"notifications/email/{notification.kind}"
    text = render_to_string(f"{name}.txt", context).strip() + "\n"
    return text, render_to_string(f"{name}.html", context)
