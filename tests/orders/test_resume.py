"""A checkout that died half-way is finished by its replay: whatever the first request left
undone (open the payment, empty the cart) happens, exactly once, when the same idempotency key
comes back."""

from __future__ import annotations

import pytest

from apps.catalog.models import Reservation, Stock
from apps.orders.models import Order
from apps.orders.services.checkout import order_checkout
from apps.orders.services.outcomes import Outcome
from contracts.payments.dto import PaymentCustomer
from contracts.payments.errors import PaymentRejected
from tests.orders.conftest import HOME
from tests.orders.fakes import unavailable

pytestmark = pytest.mark.django_db
KEY = "crash-then-replay"


class ProcessDied(BaseException):  # noqa: N818  # like a SIGKILL: no `except Exception` sees it
    """The worker process died here: nothing after this line of the request ran."""


@pytest.fixture(autouse=True)
def _short_lease(settings):
    settings.ORDERS_CHECKOUT_LEASE_SECONDS = 0.3  # the dead request's lease lapses quickly


@pytest.fixture
def checkout(shopper, cart, mug):
    cart.put(shopper.pk, mug.pk, 2)
    customer = PaymentCustomer(shopper.pk, shopper.email, "Ada Lovelace")
    return lambda: order_checkout(customer=customer, address=HOME, idempotency_key=KEY)


def crash_once(monkeypatch, fake, method: str, *, after: bool = False) -> None:
    """Make `fake.method` kill the request the first time (before it acts, or after)."""
    real = getattr(fake, method)
    calls = []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            return real(*args, **kwargs)
        if after:
            real(*args, **kwargs)
        raise ProcessDied

    monkeypatch.setattr(fake, method, dying)


def assert_finished_once(result, payments, cart, shopper) -> None:
    order = Order.objects.get()
    assert (result.outcome, result.replayed, result.order.pk) == (Outcome.PLACED, True, order.pk)
    assert list(payments.started) == [f"{order.number}:pay:1"]
    assert order.payment_ref == payments.started[f"{order.number}:pay:1"].payment_ref
    assert order.status == "pending_payment"
    assert order.checkout_lease_until is None
    assert cart.cleared == [(f"cart-{shopper.pk}", f"order {order.number}")]
    assert Reservation.objects.count() == 1
    stock = Stock.objects.get()
    assert (stock.on_hand, stock.reserved) == (5, 2)


def test_died_before_the_payment_opened_the_replay_opens_it_and_empties_the_cart(
    monkeypatch, checkout, payments, cart, shopper
):
    crash_once(monkeypatch, payments, "start_payment")
    with pytest.raises(ProcessDied):
        checkout()
    order = Order.objects.get()
    assert (order.payment_ref, order.status, cart.cleared) == ("", "pending_payment", [])

    result = checkout()

    assert_finished_once(result, payments, cart, shopper)


def test_died_after_the_gateway_opened_it_the_replay_records_that_same_payment(
    monkeypatch, checkout, payments, cart, shopper
):
    crash_once(monkeypatch, payments, "start_payment", after=True)
    with pytest.raises(ProcessDied):
        checkout()
    assert Order.objects.get().payment_ref == ""

    result = checkout()

    assert_finished_once(result, payments, cart, shopper)


def test_died_before_the_cart_was_emptied_the_replay_empties_it(
    monkeypatch, checkout, payments, cart, shopper
):
    crash_once(monkeypatch, cart, "clear_cart")
    with pytest.raises(ProcessDied):
        checkout()
    assert Order.objects.get().payment_ref != ""

    result = checkout()

    assert_finished_once(result, payments, cart, shopper)


def test_a_cart_that_could_not_be_emptied_is_emptied_by_the_replay(
    monkeypatch, checkout, payments, cart, shopper
):
    real = cart.clear_cart
    monkeypatch.setattr(cart, "clear_cart", lambda *a: (_ for _ in ()).throw(unavailable()))
    first = checkout()
    assert (first.outcome, first.replayed) == (Outcome.PLACED, False)
    assert cart.cleared == []
    monkeypatch.setattr(cart, "clear_cart", real)

    result = checkout()

    assert_finished_once(result, payments, cart, shopper)


def test_a_finished_checkout_replayed_repeats_nothing_and_answers_as_the_first(
    checkout, payments, cart, shopper
):
    first = checkout()
    again = checkout()

    assert (first.outcome, first.replayed) == (Outcome.PLACED, False)
    assert (again.outcome, again.replayed, again.order.pk) == (Outcome.PLACED, True, first.order.pk)
    assert len(payments.started) == 1
    assert len(cart.cleared) == 1


def test_a_payment_that_could_not_start_is_answered_so_again_and_not_retried(
    checkout, payments, cart
):
    payments.fail_with = PaymentRejected("the gateway refused this payment")
    first = checkout()
    payments.fail_with = None  # a refusal is final: the answer stays the first one

    again = checkout()

    assert first.outcome is again.outcome is Outcome.PAYMENT_NOT_STARTED
    assert again.replayed
    assert again.order.status == "cancelled"
    assert payments.started == {}
    assert cart.cleared == []  # the shopper keeps the cart to try again
    assert Stock.objects.get().reserved == 0


def test_a_payment_payments_did_not_answer_for_is_opened_by_the_replay_once(
    checkout, payments, cart, shopper
):
    payments.fail_with = unavailable()
    first = checkout()
    payments.fail_with = None  # payments answers again

    again = checkout()

    assert (first.outcome, first.order.status) == (Outcome.UNAVAILABLE, "pending_payment")
    assert Stock.objects.get().reserved == 2  # held for the replay meanwhile
    assert_finished_once(again, payments, cart, shopper)
