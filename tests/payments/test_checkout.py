"""Checkout end to end through orders' saga: the real catalog and payments, a fake cart."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from apps.orders.models import Order
from apps.orders.services.checkout import order_place
from apps.orders.services.steps import compensate_unpaid
from apps.payments.models import Payment
from contracts.catalog.service import catalog_service
from contracts.kernel.errors import Unavailable
from contracts.kernel.registry import registry
from contracts.orders.dto import ShippingAddressDTO
from contracts.payments.dto import PaymentCustomer
from tests.catalog.factories import ProductFactory
from tests.orders.fakes import FakeCart
from tests.payments.conftest import event_types

pytestmark = pytest.mark.django_db
HOME = ShippingAddressDTO("Ada Lovelace", "3 Rue de Rivoli", "", "Paris", "75001", "", "FR", "")


@pytest.fixture
def checkout(shopper):
    mug = ProductFactory(name="Stoneware mug", sku="MUG-1", price=Decimal("14.00"), stock=5)
    cart = FakeCart()
    cart.put(shopper.pk, mug.pk, 2)
    with registry.override("cart", cart):
        yield lambda: order_place(
            customer=PaymentCustomer(shopper.pk, shopper.email, "Ada Lovelace"),
            address=HOME, idempotency_key=uuid.uuid4().hex,
        ), mug, cart  # fmt: skip


def available(product) -> int:
    return catalog_service().get_products((product.pk,))[0].available


def test_stripe_refusing_cancels_the_order_and_releases_the_stock(stripe_api, checkout):
    place, mug, cart = checkout
    stripe_api.fail_next("400")

    order = place()

    assert order.status == "cancelled"
    assert available(mug) == 5
    assert not Payment.objects.exists()
    assert cart.cleared == []  # the shopper keeps the cart to try again
    assert "payments.PaymentSucceeded" not in event_types()


@pytest.mark.parametrize("failure", ["timeout", "500"])
def test_stripe_not_answering_keeps_the_order_for_the_same_request_which_opens_one_intent(
    stripe_api, shopper, failure
):
    mug = ProductFactory(name="Stoneware mug", sku="MUG-1", price=Decimal("14.00"), stock=5)
    cart = FakeCart()
    cart.put(shopper.pk, mug.pk, 2)
    customer = PaymentCustomer(shopper.pk, shopper.email, "Ada Lovelace")
    stripe_api.fail_next(failure)

    with registry.override("cart", cart):
        with pytest.raises(Unavailable, match="nothing was charged"):
            order_place(customer=customer, address=HOME, idempotency_key="stripe-was-down")
        assert not Payment.objects.exists()
        assert (Order.objects.get().status, available(mug)) == ("pending_payment", 3)

        order = order_place(customer=customer, address=HOME, idempotency_key="stripe-was-down")

    payment = Payment.objects.get()
    assert (order.status, order.payment_ref) == ("pending_payment", payment.payment_ref)
    assert available(mug) == 3
    assert len(cart.cleared) == 1


def test_a_stripe_checkout_opens_an_intent_and_sends_the_shopper_to_the_pay_page(
    stripe_api, checkout
):
    place, mug, _ = checkout

    order = place()

    payment = Payment.objects.get()
    assert (order.status, order.payment_ref) == ("pending_payment", payment.payment_ref)
    assert order.pay_url == f"/pay/{payment.payment_ref}/"
    [sent] = stripe_api.posts("/v1/payment_intents")
    assert sent.params["amount"] == "3290"  # 2 × 14.00 + 4.90 shipping
    assert sent.params["metadata[order_ref]"] == order.number
    assert available(mug) == 3


def test_a_fake_checkout_paid_with_4242_ends_paid(client, shopper, checkout, drain_tasks):
    place, mug, _ = checkout
    order = place()
    client.force_login(shopper)

    response = client.post(order.pay_url, {"number": "4242 4242 4242 4242", "expiry": "12/39",
                                           "cvc": "123", "name": "Ada"})  # fmt: skip
    drain_tasks()

    assert response["Location"] == f"/orders/{order.number}/"
    assert Order.objects.get().status == "paid"


CARD = {"expiry": "12/39", "cvc": "123", "name": "Ada"}
DECLINED, SUCCEEDS = "4000000000000002", "4242424242424242"


def test_a_decline_then_another_card_at_once_on_the_same_pay_page(client, shopper, checkout):
    place, mug, _ = checkout
    order = place()
    client.force_login(shopper)

    declined = client.post(order.pay_url, {"number": DECLINED, **CARD})
    paid = client.post(order.pay_url, {"number": SUCCEEDS, **CARD})  # no worker ran between

    assert "Card declined." in declined.content.decode()
    assert paid["Location"] == f"/orders/{order.number}/"
    assert list(Payment.objects.values_list("status", flat=True)) == ["succeeded"]
    assert event_types()[-1] == "payments.PaymentSucceeded"
    assert "payments.PaymentFailed" not in event_types()


def test_a_decline_leaves_the_order_pending_and_its_stock_held(client, shopper, checkout,
                                                               drain_tasks):  # fmt: skip
    place, mug, _ = checkout
    order = place()
    client.force_login(shopper)

    client.post(order.pay_url, {"number": DECLINED, **CARD})
    drain_tasks()

    assert Order.objects.get().status == "pending_payment"
    assert available(mug) == 3
    assert client.get(order.pay_url).status_code == 200  # still the card form


def test_cancelling_the_payment_then_starting_again_from_the_order(client, shopper, checkout,
                                                                   drain_tasks):  # fmt: skip
    place, mug, _ = checkout
    order = place()
    client.force_login(shopper)

    client.post(f"{order.pay_url}cancel/")
    drain_tasks()
    assert Order.objects.get().status == "payment_failed"

    retry = client.post(f"/orders/{order.number}/retry-payment/")
    order.refresh_from_db()
    assert retry["Location"] == order.pay_url == f"/pay/{Payment.objects.first().payment_ref}/"
    client.post(order.pay_url, {"number": SUCCEEDS, **CARD})
    drain_tasks()

    order.refresh_from_db()
    assert order.status == "paid"
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["canceled", "succeeded"]


def test_an_order_cancelled_closes_its_open_stripe_payment(stripe_api, checkout, drain_tasks):
    place, mug, _ = checkout
    order = place()

    compensate_unpaid(order.number, reason="not paid in time")  # what the expiry job does
    drain_tasks()

    payment = Payment.objects.get()
    assert (payment.status, payment.decline_code) == ("canceled", "canceled")
    [cancel] = stripe_api.posts(f"/v1/payment_intents/{payment.gateway_ref}/cancel")
    assert cancel.idempotency_key.startswith("microstore-cancel-")
    assert Order.objects.get().status == "cancelled"  # the late PaymentFailed changes nothing
