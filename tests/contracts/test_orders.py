"""The orders contract, kept by every binding (local, loopback, HTTP).

Orders are placed with the orders app's own checkout, against the fakes of cart and payments
that orders' tests use (the catalog stays real), and moved through their life with its own
services; what the order looks like is then asked through the contract only.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Product
from apps.orders.models import Order
from apps.orders.services.actions import order_fulfil
from apps.orders.services.checkout import order_place
from apps.orders.services.lifecycle import order_transition
from apps.orders.services.refunds import order_record_refund
from contracts.kernel.errors import InvalidRequest
from contracts.kernel.money import Money
from contracts.kernel.registry import registry
from contracts.orders.dto import (
    MinuteCount,
    OrderDTO,
    OrderFigures,
    OrderLineDTO,
    OrderStatus,
    ShippingAddressDTO,
    StatusCount,
)
from contracts.orders.errors import OrderNotFound
from contracts.orders.service import VERSION
from contracts.payments.dto import PaymentCustomer
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.contracts.conftest import implementations
from tests.orders.fakes import FakeCart, FakePayments

orders = implementations("orders")
HOME = ShippingAddressDTO(
    "Ada Lovelace", "3 Rue de Rivoli", "Bâtiment B", "Paris", "75001", "", "FR", "+33 1 23 45"
)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def placed(items: dict[Product, int], *, email: str = "ada@example.com") -> Order:
    """Check `items` out for a new shopper, as the checkout does (fake cart and payments)."""
    shopper = UserFactory(email=email)
    cart = FakeCart()
    for product, quantity in items.items():
        cart.put(shopper.pk, product.pk, quantity)
    with registry.override("cart", cart), registry.override("payments", FakePayments()):
        return order_place(
            customer=PaymentCustomer(shopper.pk, shopper.email, shopper.get_full_name()),
            address=HOME,
            idempotency_key=uuid.uuid4().hex,
        )


@pytest.fixture
def mug() -> Product:
    return ProductFactory(name="Stoneware mug", sku="MUG-1", price=Decimal("14.00"), stock=5)


@pytest.fixture
def lamp() -> Product:
    return ProductFactory(name="Desk lamp", sku="LAMP-1", price=Decimal("79.00"), stock=2)


def test_health_names_the_service_and_its_contract_version(orders):
    health = orders.health()

    assert (health.service, health.version, health.ok) == ("orders", VERSION, True), health


def test_get_order_is_the_order_with_its_line_snapshots(orders, mug, lamp):
    order = placed({mug: 2, lamp: 1})

    found = orders.get_order(order.number)

    assert found == OrderDTO(
        number=order.number,
        customer_id=order.customer_id,
        email="ada@example.com",
        status=OrderStatus.PENDING_PAYMENT,
        lines=(
            OrderLineDTO(mug.pk, "MUG-1", "Stoneware mug", eur("14.00"), 2, eur("28.00")),
            OrderLineDTO(lamp.pk, "LAMP-1", "Desk lamp", eur("79.00"), 1, eur("79.00")),
        ),
        subtotal=eur("107.00"),
        shipping=eur("0.00"),  # free from €50.00
        total=eur("107.00"),
        shipping_address=HOME,
        tracking_number="",
        placed_at=order.placed_at,
        refunded=eur("0.00"),
    )
    assert found.placed_at.utcoffset() is not None  # an aware datetime, on every binding


def test_get_order_keeps_what_was_sold_when_the_catalog_changes(orders, mug):
    order = placed({mug: 1})
    Product.objects.filter(pk=mug.pk).update(name="Porcelain mug", sku="MUG-2", price=20)

    found = orders.get_order(order.number)

    assert [(line.sku, line.name, line.unit_price) for line in found.lines] == [
        ("MUG-1", "Stoneware mug", eur("14.00")),
    ]
    assert (found.subtotal, found.shipping, found.total) == (
        eur("14.00"),
        eur("4.90"),
        eur("18.90"),
    )


def test_get_order_follows_the_order_through_its_life(orders, mug):
    order = placed({mug: 3})
    order_transition(number=order.number, to=OrderStatus.PAID, actor="payments")
    order_fulfil(number=order.number, tracking_number="LA123456789FR", actor="staff")
    order_record_refund(
        number=order.number, amount=eur("14.00"), payment_ref=order.payment_ref,
        fully_refunded=False, cause_event_id=uuid.uuid4(),
    )  # fmt: skip

    found = orders.get_order(order.number)

    assert (found.status, found.tracking_number, found.refunded, found.total) == (
        OrderStatus.FULFILLED, "LA123456789FR", eur("14.00"), eur("46.90"),
    )  # fmt: skip


def test_get_order_tells_orders_apart(orders, mug, lamp):
    first = placed({mug: 1}, email="ada@example.com")
    second = placed({lamp: 1}, email="grace@example.com")

    found = [orders.get_order(o.number) for o in (second, first)]

    assert [(o.number, o.email, o.lines[0].sku) for o in found] == [
        (second.number, "grace@example.com", "LAMP-1"),
        (first.number, "ada@example.com", "MUG-1"),
    ]


def test_get_order_of_an_unknown_number_raises_order_not_found(orders, mug):
    placed({mug: 1})

    with pytest.raises(OrderNotFound) as caught:
        orders.get_order("MS-NOPE-0000")

    assert (caught.value.code, caught.value.message) == (
        "order_not_found",
        "no order 'MS-NOPE-0000'",
    )
    assert caught.value.details == {}


def test_get_order_is_read_only(orders, mug):
    order = placed({mug: 1})

    first, again = orders.get_order(order.number), orders.get_order(order.number)

    assert first == again
    assert Order.objects.get(pk=order.pk).status == "pending_payment"


def test_figures_count_by_status_and_since_a_time_with_revenue_per_currency(orders, mug, lamp):
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0) - timedelta(minutes=3)
    paid, shipped, waiting, old = (
        placed(items, email=f"shopper{n}@example.com")
        for n, items in enumerate(({mug: 1}, {lamp: 1}, {mug: 2}, {mug: 1}))
    )
    for order in (paid, shipped, old):
        order_transition(number=order.number, to=OrderStatus.PAID, actor="payments")
    order_fulfil(number=shipped.number, tracking_number="LA123456789FR", actor="staff")
    Order.objects.filter(pk=shipped.pk).update(
        currency="USD", placed_at=minute + timedelta(minutes=1)
    )
    Order.objects.filter(pk__in=(paid.pk, waiting.pk)).update(
        placed_at=minute + timedelta(seconds=10)
    )
    Order.objects.filter(pk=old.pk).update(placed_at=now - timedelta(days=2))
    since = now - timedelta(hours=1)

    found = orders.figures(since, per_minute_since=since)

    counts = {OrderStatus.PAID: 2, OrderStatus.FULFILLED: 1, OrderStatus.PENDING_PAYMENT: 1}
    assert found == OrderFigures(
        by_status=tuple(StatusCount(status, counts.get(status, 0)) for status in OrderStatus),
        placed=3,  # not the one of two days ago
        paid=2,  # paid and fulfilled; the pending one is no revenue
        revenue=(eur("18.90"), Money(Decimal("79.00"), "USD")),  # €14.00 + €4.90 shipping
        placed_per_minute=(MinuteCount(minute, 2), MinuteCount(minute + timedelta(minutes=1), 1)),
    )
    assert found.placed_per_minute[0].minute.utcoffset() == timedelta(0)  # UTC, on every binding


def test_figures_count_minutes_only_when_asked_and_at_most_a_day_back(orders, mug):
    placed({mug: 1})
    now = timezone.now()
    too_far = now - timedelta(days=1, minutes=1)

    assert orders.figures(now - timedelta(hours=1)).placed_per_minute == ()
    assert orders.figures(now + timedelta(seconds=1)).placed == 0
    with pytest.raises(InvalidRequest) as caught:
        orders.figures(now, per_minute_since=too_far)
    assert caught.value.details == {"per_minute_since": too_far.isoformat()}
