"""An item that sold out while it sat in the cart is named exactly as one that sold out during
the checkout itself: the same `out_of_stock` answer in the API, the same words on the page.
The cart here is the real one (it flags the line sold out before the catalog is even asked)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest

from apps.cart.selectors import Owner
from apps.cart.services import cart_add
from apps.catalog.models import Reservation
from apps.orders.models import Order
from apps.orders.services.checkout import hold_reference, order_checkout, order_place
from apps.orders.services.outcomes import Outcome
from contracts.catalog.dto import StockLine
from contracts.catalog.errors import OutOfStock
from contracts.catalog.service import catalog_service
from contracts.orders.errors import CartNotReady
from contracts.payments.dto import PaymentCustomer
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory
from tests.concurrency import race
from tests.orders.conftest import HOME

pytestmark = pytest.mark.django_db
SOLD_OUT_MUG = {"sku": "MUG-1", "name": "Stoneware mug", "requested": 2, "available": 0}
MESSAGE = (
    "Sorry, some items sold out while you were checking out: Stoneware mug (MUG-1, none left). "
    "Nothing was charged."
)


@pytest.fixture
def sold_out_in_cart(shopper, mug):
    """The shopper put two mugs in the cart; then someone else took all five."""
    cart_add(owner=Owner(customer_id=shopper.pk), product_id=mug.pk, quantity=2)
    catalog_service().reserve_stock((StockLine(mug.pk, 5),), "someone-else", 600)


def test_the_api_names_the_item_that_sold_out_in_the_cart(
    client, shopper, payments, sold_out_in_cart
):
    client.force_login(shopper)
    response = client.post(
        "/api/v1/orders/",
        {"address_id": AddressFactory(user=shopper).pk},
        content_type="application/json",
        headers={"Idempotency-Key": "sold-out-in-cart"},
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "out_of_stock"
    assert body["details"] == {"items": [SOLD_OUT_MUG]}
    assert not Order.objects.exists()
    assert list(Reservation.objects.values_list("reference", flat=True)) == ["someone-else"]
    assert payments.started == {}


def test_the_page_names_the_item_that_sold_out_in_the_cart(
    client, shopper, payments, sold_out_in_cart
):
    AddressFactory(user=shopper, is_default=True)
    client.force_login(shopper)
    page = client.get("/checkout/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    chosen = re.search(r'name="address" value="([^"]+)" checked', page).group(1)

    response = client.post("/checkout/", {"idempotency_key": key, "address": chosen}, follow=True)

    assert response.redirect_chain == [("/cart/", 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [MESSAGE]
    assert not Order.objects.exists()
    assert payments.started == {}


def test_the_checkout_page_names_what_sold_out_and_offers_no_place_order_button(
    client, shopper, sold_out_in_cart
):
    client.force_login(shopper)
    content = client.get("/checkout/").content.decode()

    assert "Sold out while in your cart:" in content
    assert "<strong>Stoneware mug</strong>" in content
    assert "(MUG-1)" in content
    assert "Place order" not in content


def test_a_line_no_longer_sold_is_still_cart_not_ready(shopper, payments, mug, lamp):
    for product in (mug, lamp):
        cart_add(owner=Owner(customer_id=shopper.pk), product_id=product.pk, quantity=1)
    lamp.is_active = False
    lamp.save()
    with pytest.raises(CartNotReady):
        order_place(
            customer=PaymentCustomer(shopper.pk, shopper.email, "Ada"),
            address=HOME,
            idempotency_key="inactive-line",
        )
    assert not Order.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_only")
def test_forty_real_carts_for_five_units_are_five_orders_and_thirty_five_named_sell_outs(
    payments,
):
    product = ProductFactory(sku="LAST-1", name="Last lamp", stock=5)
    buyers = [UserFactory() for _ in range(40)]
    for buyer in buyers:
        cart_add(owner=Owner(customer_id=buyer.pk), product_id=product.pk, quantity=1)
    named: list[object] = []

    def checkout(n: int) -> None:
        buyer = buyers[n]
        try:
            order_place(
                customer=PaymentCustomer(buyer.pk, buyer.email, "x"),
                address=HOME,
                idempotency_key=f"buyer-{n:04d}",
            )
        except OutOfStock as exc:
            named.append(exc.details["items"])
            raise

    outcomes = race(40, checkout, expected={OutOfStock: "sold out", CartNotReady: "not ready"})

    assert outcomes == Counter({"ok": 5, "sold out": 35})
    assert Order.objects.count() == 5
    assert all(
        items == [{"sku": "LAST-1", "name": "Last lamp", "requested": 1, "available": 0}]
        for items in named
    )
    assert len(payments.started) == 5


def test_a_replay_whose_own_first_request_took_the_last_units_places_that_order(
    shopper, payments, mug
):
    """The first request held the last five mugs under its key, then died before writing the
    order: the cart now says sold out, but the stock is this checkout's own."""
    cart_add(owner=Owner(customer_id=shopper.pk), product_id=mug.pk, quantity=5)
    reference = hold_reference(customer_id=shopper.pk, idempotency_key="last-units-01")
    catalog_service().reserve_stock((StockLine(mug.pk, 5),), reference, 600)

    result = order_checkout(
        customer=PaymentCustomer(shopper.pk, shopper.email, "Ada"),
        address=HOME,
        idempotency_key="last-units-01",
    )

    assert result.outcome is Outcome.PLACED
    order = Order.objects.get()
    assert (order.reservation_ref, order.subtotal, order.total) == (
        reference,
        Decimal("70.00"),
        Decimal("70.00"),
    )
    assert [(line.sku, line.quantity, line.line_total) for line in order.lines.all()] == [
        ("MUG-1", 5, Decimal("70.00"))
    ]
    assert Reservation.objects.count() == 1
    assert len(payments.started) == 1
