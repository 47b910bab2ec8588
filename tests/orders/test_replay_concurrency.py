"""The same checkout sent twenty times at once (PostgreSQL, one connection per thread): one
order, one hold, one payment, and every request answered exactly as the first one was, through
the page and through the API. The payment opens slowly, so the replays arrive while the first
request is still at work."""

from __future__ import annotations

import json
import re
import threading
import time
from decimal import Decimal

import pytest
from django.test import Client

from apps.cart.selectors import Owner
from apps.cart.services import cart_add
from apps.catalog.models import Reservation, Stock
from apps.orders.models import Order
from apps.payments.models import Payment
from contracts.kernel.registry import registry
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory
from tests.concurrency import race
from tests.orders.fakes import unavailable

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
]


class SlowPayments:
    """The real payments service, opening each payment a little slowly (or, with `down`,
    timing out)."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.down = False

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def start_payment(self, *args: object) -> object:
        time.sleep(0.4)
        if self.down:
            raise unavailable()
        return self.real.start_payment(*args)


@pytest.fixture
def buyer():
    shopper = UserFactory()
    shopper.home = AddressFactory(user=shopper, is_default=True)
    product = ProductFactory(price=Decimal("20.00"), stock=10)
    cart_add(owner=Owner(customer_id=shopper.pk), product_id=product.pk, quantity=2)
    payments = SlowPayments(registry.resolve("payments"))
    with registry.override("payments", payments):
        yield shopper, product, payments


def assert_one_of_everything(shopper, product) -> Order:
    order = Order.objects.get()
    assert Reservation.objects.count() == 1
    assert Stock.objects.get(pk=product.pk).reserved == 2
    assert Payment.objects.count() == 1
    assert order.payment_ref == Payment.objects.get().payment_ref
    assert order.checkout_lease_until is None
    assert Client().get("/").status_code == 200  # the server is still fine
    return order


def test_the_same_form_posted_twenty_times_at_once_sends_every_post_to_the_pay_page(buyer):
    shopper, product, _ = buyer
    signed_in = Client()
    signed_in.force_login(shopper)
    page = signed_in.get("/checkout/").content.decode()
    form = {
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page)[1],
        "address": re.search(r'name="address" value="([^"]+)" checked', page)[1],
    }
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def post(n: int) -> None:
        client = Client()
        client.cookies = signed_in.cookies
        response = client.post("/checkout/", form)
        with lock:
            answers.append((response.status_code, response["Location"]))

    outcomes = race(20, post)

    order = Order.objects.get()
    assert outcomes == {"ok": 20}
    assert order.pay_url
    assert not order.pay_url.startswith("/orders/")
    assert answers == [(302, order.pay_url)] * 20
    assert_one_of_everything(shopper, product)


def test_twenty_api_requests_at_once_while_the_gateway_is_down_all_say_try_again(buyer):
    shopper, product, payments = buyer
    payments.down = True
    signed_in = Client()
    signed_in.force_login(shopper)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def post(n: int = 0) -> object:
        client = Client()
        client.cookies = signed_in.cookies
        response = client.post(
            "/api/v1/orders/",
            {"address_id": shopper.home.pk},
            content_type="application/json",
            headers={"Idempotency-Key": "twenty-at-once"},
        )
        body = response.json()
        body.pop("request_id", None)  # each request's own
        with lock:
            answers.append((response.status_code, json.dumps(body, sort_keys=True)))
        return response

    outcomes = race(20, post)

    order = Order.objects.get()
    assert outcomes == {"ok": 20}
    assert len(set(answers)) == 1  # all told the same: try again, nothing charged
    status, body = answers[0]
    assert (status, json.loads(body)["code"]) == (503, "unavailable")
    assert "nothing was charged" in json.loads(body)["detail"]
    assert not Payment.objects.exists()
    assert (order.status, order.payment_ref) == ("pending_payment", "")
    assert Reservation.objects.get().status == "active"  # held for the retry, until it expires
    payments.down = False

    placed = post()

    assert placed.status_code == 201
    assert placed["Idempotent-Replayed"] == "true"
    assert placed.json()["number"] == order.number
    assert_one_of_everything(shopper, product)
