"""Order snapshots as orders publishes them, and a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage

import pytest
from pytest_django.fixtures import Settings

from contracts.kernel.money import Money
from contracts.orders.dto import OrderDTO, OrderLineDTO, OrderStatus, ShippingAddressDTO
from tests.smtp import SMTPServer

HOME = ShippingAddressDTO(
    "Ada Lovelace", "3 Rue de Rivoli", "Bâtiment B", "Paris", "75001", "", "FR", ""
)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def make_order(number: str = "MS-1001", *, customer_id: int = 999_999) -> OrderDTO:
    """An order of two mugs and a lamp: €28.00 + €79.00 + €4.90 shipping = €111.90."""
    lines = (
        OrderLineDTO(1, "MUG-1", "Stoneware mug", eur("14.00"), 2, eur("28.00")),
        OrderLineDTO(2, "LAMP-1", "Desk lamp", eur("79.00"), 1, eur("79.00")),
    )
    return OrderDTO(
        number=number,
        customer_id=customer_id,
        email="ada@example.com",
        status=OrderStatus.PENDING_PAYMENT,
        lines=lines,
        subtotal=eur("107.00"),
        shipping=eur("4.90"),
        total=eur("111.90"),
        shipping_address=HOME,
        tracking_number="",
        placed_at=datetime(2026, 11, 5, 9, 30, tzinfo=UTC),
    )


@pytest.fixture
def order() -> OrderDTO:
    return make_order()


@pytest.fixture
def smtp(settings: Settings) -> Iterator[SMTPServer]:
    """A running SMTP server, and the default mailer pointed at it (the real SMTP backend)."""
    server = SMTPServer()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    server.start()
    yield server
    server.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies of a received multipart/alternative message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")
