"""Checkout when the catalog or payments misbehaves over real HTTP (issue 11's fault tests).

This process's client of one service is pointed at a `FaultProxy` in front of the live server
(or at a port where nothing listens) while the shopper checks out through the orders API and
the checkout page, everything else bound as usual. For `catalog.reserve_stock` and
`payments.start_payment`, under a timeout (the work done, the answer lost), a 500, garbage and
a service that is down, the shop promises:

- the shopper is told plainly that the order could not be taken now and nothing was charged
  (a 503 problem+json, a message on the checkout page; never a 500);
- nothing is charged twice: one payment, one intent opened at the gateway, even when the answer
  was lost and the client repeated the call with the same key, then the shopper the checkout;
- the same checkout sent again (same idempotency key) once the fault is gone places exactly one
  order; and when nobody sends it, nothing stays pending with stock held past the hold's
  expiry: the expiry jobs cancel what is left and every unit goes back on sale.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.cart.selectors import Owner
from apps.cart.services import cart_add
from apps.catalog.models import Reservation, Stock
from apps.catalog.tasks import release_expired_reservations
from apps.orders.models import Order
from apps.orders.tasks import expire_unpaid_orders
from apps.payments.models import GatewayAttempt, Payment
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory
from tests.orders.faults import FaultProxy, bound_to, closed_address

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads committed rows
STEPS = {"reserve_stock": "catalog", "start_payment": "payments"}
FAULTS = ("timeout", "500", "garbage", "down")
DID_THE_WORK = ("timeout", "garbage")  # the service acted; only its answer was lost
KEY = "fault-test-checkout-01"
NOT_TAKEN = "We could not take your order just now, and nothing was charged."


@pytest.fixture
def proxy(live_server, settings) -> Iterator[FaultProxy]:
    settings.SERVICE_CALL_TIMEOUT_SECONDS = 1
    settings.SERVICE_CALL_RETRIES = 1  # one repeat: enough to see it, quick to wait for
    hop = FaultProxy(live_server.url, hold=1.6)
    yield hop
    hop.close()


@pytest.fixture
def shop():
    """A signed-up shopper with a home address and 2 of the 5 mugs in stock in their cart."""
    shopper = UserFactory(email="ada@example.com", first_name="Ada", last_name="Lovelace")
    shopper.home = AddressFactory(user=shopper, is_default=True)
    mug = ProductFactory(name="Stoneware mug", sku="MUG-1", price=Decimal("14.00"), stock=5)
    cart_add(owner=Owner(customer_id=shopper.pk), product_id=mug.pk, quantity=2)
    return shopper, mug


@pytest.fixture
def api(client, shop):
    shopper, _ = shop
    client.force_login(shopper)

    def place():
        return client.post(
            "/api/v1/orders/",
            {"address_id": shopper.home.pk},
            content_type="application/json",
            headers={"Idempotency-Key": KEY},
        )

    return place


@contextmanager
def faulty(proxy: FaultProxy, step: str, fault: str) -> Iterator[None]:
    """`step` misbehaves as `fault` says inside the block (its other methods answer through
    the proxy as usual), then is itself again. Down is the whole service: nothing listens."""
    proxy.modes = {step: fault}
    with bound_to(STEPS[step], closed_address() if fault == "down" else proxy.url):
        yield


def available(mug) -> int:
    stock = Stock.objects.get(pk=mug.pk)
    return stock.on_hand - stock.reserved


def opened() -> tuple[int, int]:
    """(payments, intents asked of the gateway): what could ever be charged."""
    return Payment.objects.count(), GatewayAttempt.objects.filter(operation="open").count()


def assert_told_plainly(response, *, page: bool = False) -> None:
    assert response.status_code == 503, response.content
    text = response.content.decode()
    assert "Traceback" not in text
    if page:
        assert NOT_TAKEN in text
        return
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["title"]) == ("unavailable", "The service is unavailable.")
    assert problem["detail"].startswith(NOT_TAKEN)
    assert "127.0.0.1" not in text  # nothing of the shop's insides


def assert_left_after(step: str, fault: str, mug) -> None:
    """What a refused checkout leaves, before anyone retries or the hold expires."""
    if step == "reserve_stock":
        assert not Order.objects.exists()
        # A hold the catalog took without answering was released at once, by the saga.
        assert available(mug) == 5
        assert not Reservation.objects.filter(status="active").exists()
        assert opened() == (0, 0)
    else:
        order = Order.objects.get()
        assert (order.status, order.payment_ref) == ("pending_payment", "")
        assert available(mug) == 3  # held for the same checkout, until the hold expires
        # Opened once when payments did the work, though the client asked twice.
        assert opened() == ((1, 1) if fault in DID_THE_WORK else (0, 0))


def assert_repeated_as_is(proxy: FaultProxy, step: str, fault: str) -> None:
    """The client repeated the idempotent call, with the same arguments, before giving up."""
    if fault != "down":
        first, *others = proxy.calls(step)
        assert others == [first]


def pass_the_hold() -> None:
    """As when the hold's time has run out: every expiry is moved into the past (the expiry
    jobs compare them with the clock, in the catalog and in orders)."""
    past = timezone.now() - timedelta(seconds=1)
    Reservation.objects.filter(status="active").update(expires_at=past)
    Order.objects.update(reservation_expires_at=past)


def run_expiry_jobs(drain_tasks) -> None:
    """The shop's periodic expiry tasks, run by the real worker (events delivered as well)."""
    expire_unpaid_orders.enqueue()
    release_expired_reservations.enqueue()
    drain_tasks()


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("step", STEPS)
def test_a_fault_is_told_plainly_and_the_same_checkout_later_places_one_order(
    proxy, shop, api, step, fault
):
    _, mug = shop
    with faulty(proxy, step, fault):
        refused = api()

    assert_told_plainly(refused)
    assert_left_after(step, fault, mug)
    assert_repeated_as_is(proxy, step, fault)

    placed = api()  # the fault is gone: the same request again

    assert placed.status_code == 201, placed.content
    order = Order.objects.get()
    assert (placed.json()["number"], placed.json()["status"]) == (order.number, "pending_payment")
    assert order.payment_ref == Payment.objects.get().payment_ref
    assert opened() == (1, 1)  # one intent for this order's attempt, whoever asked first
    assert available(mug) == 3
    assert Reservation.objects.filter(status="active").count() == 1


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("step", STEPS)
def test_a_fault_nobody_retries_leaves_nothing_pending_or_held_past_the_hold(
    proxy, shop, api, drain_tasks, step, fault
):
    _, mug = shop
    with faulty(proxy, step, fault):
        assert_told_plainly(api())

    pass_the_hold()
    run_expiry_jobs(drain_tasks)

    assert not Order.objects.filter(status="pending_payment").exists()
    assert set(Order.objects.values_list("status", flat=True)) <= {"cancelled"}
    assert available(mug) == 5
    assert not Reservation.objects.filter(status="active").exists()
    # A payment payments opened without being heard is closed with its order: none can be paid.
    assert set(Payment.objects.values_list("status", flat=True)) <= {"canceled"}


def test_a_hold_whose_release_is_lost_too_is_given_back_by_the_expiry(
    proxy, shop, api, drain_tasks
):
    _, mug = shop
    proxy.modes = {"reserve_stock": "timeout", "release_reservation": "500"}
    with bound_to("catalog", proxy.url):
        assert_told_plainly(api())

    assert not Order.objects.exists()
    assert available(mug) == 3  # held by the lost answer, and the release did not get through
    pass_the_hold()
    run_expiry_jobs(drain_tasks)
    assert available(mug) == 5
    assert Reservation.objects.get().release_reason == "expired"


@pytest.mark.parametrize("fault", ["timeout", "down"])
@pytest.mark.parametrize("step", STEPS)
def test_the_checkout_page_says_so_and_the_same_form_places_one_order(
    proxy, shop, client, step, fault
):
    shopper, mug = shop
    client.force_login(shopper)
    form = {"idempotency_key": KEY, "address": str(shopper.home.pk)}

    with faulty(proxy, step, fault):
        refused = client.post("/checkout/", form)

    assert_told_plainly(refused, page=True)
    assert f'name="idempotency_key" value="{KEY}"' in refused.content.decode()
    placed = client.post("/checkout/", form)  # "Place order" again, once the fault is gone

    order = Order.objects.get()
    assert (placed.status_code, placed["Location"]) == (302, order.pay_url)
    assert order.pay_url == f"/pay/{Payment.objects.get().payment_ref}/"
    assert opened() == (1, 1)
    assert available(mug) == 3
