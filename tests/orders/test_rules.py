"""Rules written once, in the service or the contract, and answered alike by every entry point:
a customer cancels only an unpaid order; an idempotency key is 8 to 64 characters."""

from __future__ import annotations

import re

import pytest
from django.http import Http404

from apps.catalog.models import Stock
from apps.orders.forms import CheckoutForm
from apps.orders.models import Order
from apps.orders.services.actions import order_cancel_by_customer
from apps.orders.services.checkout import order_place
from apps.orders.services.lifecycle import order_transition
from contracts.kernel.errors import InvalidRequest
from contracts.orders.dto import OrderStatus, idempotency_key_problem
from contracts.orders.errors import NotCancellable
from contracts.payments.dto import PaymentCustomer
from tests.accounts.factories import UserFactory
from tests.orders.conftest import HOME

pytestmark = pytest.mark.django_db


def paid(place, mug):
    order = place({mug: 1})
    order_transition(number=order.number, to=OrderStatus.PAID, actor="payments")
    return order


def test_the_service_refuses_a_customer_cancelling_a_paid_order_and_changes_nothing(
    place, mug, shopper, payments
):
    order = paid(place, mug)

    with pytest.raises(NotCancellable) as refused:
        order_cancel_by_customer(customer_id=shopper.pk, number=order.number)

    assert refused.value.code == "not_cancellable"
    assert refused.value.status == 409
    assert dict(refused.value.details) == {"status": "paid"}
    order.refresh_from_db()
    assert order.status == "paid"
    assert payments.refund_calls == []
    assert Stock.objects.get(pk=mug.pk).reserved == 1
    assert order.timeline.filter(to_status="cancelled").count() == 0


def test_the_service_cancels_the_customers_unpaid_order_and_releases_its_stock(place, mug, shopper):
    order = place({mug: 1})

    cancelled = order_cancel_by_customer(customer_id=shopper.pk, number=order.number)

    assert cancelled.status == "cancelled"
    assert cancelled.timeline.last().actor == f"customer:{shopper.pk}"
    assert Stock.objects.get(pk=mug.pk).reserved == 0


def test_the_service_answers_another_customers_order_as_missing(place, mug):
    order = place({mug: 1})
    with pytest.raises(Http404):
        order_cancel_by_customer(customer_id=UserFactory().pk, number=order.number)
    order.refresh_from_db()
    assert order.status == "pending_payment"


def test_the_api_renders_the_services_refusal(client, place, mug, shopper, payments):
    order = paid(place, mug)
    client.force_login(shopper)

    response = client.post(f"/api/v1/orders/{order.number}/cancel/")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["details"]) == ("not_cancellable", {"status": "paid"})
    order.refresh_from_db()
    assert order.status == "paid"
    assert payments.refund_calls == []


def test_the_page_renders_the_services_refusal(client, place, mug, shopper, payments):
    order = paid(place, mug)
    client.force_login(shopper)

    response = client.post(f"/orders/{order.number}/cancel/", follow=True)

    message = f"Order {order.number} is paid: only an unpaid order can be cancelled"
    assert message in response.content.decode()
    order.refresh_from_db()
    assert order.status == "paid"
    assert payments.refund_calls == []


@pytest.mark.parametrize(("length", "ok"), [(7, False), (8, True), (64, True), (65, False)])
def test_the_form_the_api_and_the_service_agree_on_the_idempotency_key(
    client, cart, payments, shopper, mug, length, ok
):
    key = "k" * length
    problem = idempotency_key_problem(key)
    assert (problem is None) == ok

    form = CheckoutForm({"address": "new", "idempotency_key": key}, addresses=())
    form.is_valid()
    assert form.errors.get("idempotency_key", [None])[0] == problem

    client.force_login(shopper)
    cart.put(shopper.pk, mug.pk, 1)
    address = {"full_name": "Ada", "line1": "1 Main St", "city": "Lyon", "postal_code": "69001"}
    api = client.post(
        "/api/v1/orders/",
        {"address": {**address, "country": "FR"}},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    if ok:
        assert api.status_code == 201
    else:
        assert api.status_code == 400
        errors = api.json()["errors"]
        assert [(e["field"], e["message"]) for e in errors] == [("Idempotency-Key", problem)]

    customer = PaymentCustomer(shopper.pk, shopper.email, "Ada")
    cart.put(shopper.pk, mug.pk, 1)
    if ok:
        order_place(customer=customer, address=HOME, idempotency_key="j" * length)
    else:
        with pytest.raises(InvalidRequest, match=re.escape(problem)):
            order_place(customer=customer, address=HOME, idempotency_key=key)
    assert Order.objects.count() == (2 if ok else 0)
