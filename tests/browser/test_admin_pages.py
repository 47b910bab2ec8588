"""The staff order page in Chromium: a paid order placed and paid through the real services,
seen by staff at phone and desktop width in both of the admin's themes."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from apps.orders.models import Order
from apps.orders.services.checkout import order_place
from contracts.kernel.registry import registry
from contracts.orders.dto import ShippingAddressDTO
from contracts.payments.dto import PaymentCustomer
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.orders.fakes import FakeCart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HOME = ShippingAddressDTO(
    "Ada Lovelace", "3 Rue de Rivoli", "Bâtiment B", "Paris", "75001", "", "FR", "+33 1 23 45 67"
)


@pytest.fixture
def paid_order(client, drain_tasks) -> Order:
    shopper = UserFactory(email="ada@example.com", first_name="Ada", last_name="Lovelace")
    mug = ProductFactory(name="Stoneware mug", sku="MUG-1", price=Decimal("14.00"), stock=5)
    lamp = ProductFactory(name="Brass desk lamp", sku="LAMP-1", price=Decimal("79.00"), stock=2)
    cart = FakeCart()
    cart.put(shopper.pk, mug.pk, 2)
    cart.put(shopper.pk, lamp.pk, 1)
    with registry.override("cart", cart):
        order = order_place(
            customer=PaymentCustomer(shopper.pk, shopper.email, "Ada Lovelace"),
            address=HOME,
            idempotency_key=uuid.uuid4().hex,
        )
    client.force_login(shopper)
    card = {"number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada"}
    client.post(order.pay_url, card)
    drain_tasks()
    order.refresh_from_db()
    assert order.status == "paid"
    return order


@pytest.fixture
def staff_page(live_server, page):
    user = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_staff_order_page_at_phone_and_desktop_width(
    live_server, staff_page, paid_order, shot, width, scheme
):
    page = staff_page
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{live_server.url}/admin/orders/order/{paid_order.pk}/change/")

    expect(page.get_by_role("heading", name="Lines")).to_be_visible()
    expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_text("Pending payment → Paid")).to_be_visible()
    expect(page.get_by_role("button", name="Mark fulfilled")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    technical = page.get_by_text("Technical details")
    key = page.get_by_text(paid_order.idempotency_key, exact=True)
    expect(key).to_be_hidden()  # folded away
    technical.click()
    expect(key).to_be_visible()
    technical.click()
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    shot(f"admin-order-{width}-{scheme}")


def test_staff_move_an_order_on_with_its_buttons(live_server, staff_page, paid_order, shot):
    page = staff_page
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/admin/orders/order/{paid_order.pk}/change/")

    page.get_by_label("Tracking number").fill("1Z-TRACK-9")
    page.get_by_role("button", name="Mark fulfilled").click()

    expect(page.get_by_text(f"{paid_order.number} marked fulfilled.")).to_be_visible()
    expect(page.get_by_text("Paid → Fulfilled")).to_be_visible()
    steps = page.locator(".order-steps button")
    expect(steps).to_have_text(["Mark delivered", "Refund…"])

    page.get_by_role("button", name="Refund…").click()
    expect(page.get_by_text(f"Refund order {paid_order.number} in full?")).to_be_visible()
    page.emulate_media(color_scheme="dark")
    shot("admin-order-refund-confirmation-390-dark")
    page.get_by_role("link", name="No, go back").click()

    expect(page.get_by_role("button", name="Mark delivered")).to_be_visible()
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.tracking_number) == ("fulfilled", "1Z-TRACK-9")
