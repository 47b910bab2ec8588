"""Stripe webhooks: verified before anything, stored once, applied forward only."""

from __future__ import annotations

import time

import pytest

from apps.payments.models import GatewayAttempt, Payment, Refund, WebhookEvent
from tests.payments.conftest import event_types, published, signed, stripe_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(stripe_api, open_payment):
    return open_payment("79.90", order_ref="MS-HOOK-0001")


def intent(payment, status="succeeded", **extra):
    return {"id": payment.gateway_ref, "object": "payment_intent", "status": status,
            "amount": 7990, "currency": "eur", **extra}  # fmt: skip


DECLINE = {"code": "card_declined", "decline_code": "insufficient_funds",
           "message": "Your card has insufficient funds."}  # fmt: skip


def test_succeeded_marks_the_payment_and_publishes_once(client, payment):
    response = signed(client, stripe_event("payment_intent.succeeded", intent(payment), "evt_1"))

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    [event] = published("payments.PaymentSucceeded")
    assert event["order_ref"] == "MS-HOOK-0001"
    assert WebhookEvent.objects.get().payment_ref == payment.payment_ref


def test_a_duplicate_or_replayed_event_is_ignored(client, payment):
    event = stripe_event("payment_intent.succeeded", intent(payment), "evt_dup")
    signed(client, event)
    again = signed(client, event)
    replay = signed(client, event, timestamp=int(time.time()) - 60)

    assert (again.status_code, replay.status_code) == (200, 200)
    assert again.content == b"ignored"
    assert WebhookEvent.objects.count() == 1
    assert len(published("payments.PaymentSucceeded")) == 1


def test_payment_failed_records_the_decline_and_keeps_the_payment_open(client, payment):
    obj = intent(payment, "requires_payment_method", last_payment_error=DECLINE,
                 latest_charge="ch_declined_1")  # fmt: skip
    response = signed(client, stripe_event("payment_intent.payment_failed", obj))

    assert (response.status_code, response.content) == (200, b"ok")
    payment.refresh_from_db()
    assert (payment.status, payment.decline_code) == ("requires_payment", "insufficient_funds")
    assert payment.failure_reason == "Your card has insufficient funds."
    assert event_types() == []  # no PaymentFailed: another card may still pay
    [attempt] = GatewayAttempt.objects.filter(operation="confirm")
    assert (attempt.key, attempt.outcome, attempt.code) == (
        "charge:ch_declined_1", "declined", "insufficient_funds")  # fmt: skip


def test_one_decline_reported_by_the_webhook_and_the_return_page_is_one_attempt(
    client, stripe_api, payment, shopper
):
    obj = intent(payment, "requires_payment_method", last_payment_error=DECLINE,
                 latest_charge="ch_declined_2")  # fmt: skip
    signed(client, stripe_event("payment_intent.payment_failed", obj))
    stripe_api.set_intent(payment.gateway_ref, "requires_payment_method", DECLINE)
    stripe_api.intents[payment.gateway_ref]["latest_charge"] = "ch_declined_2"
    client.force_login(shopper)

    back = client.get(f"/pay/{payment.payment_ref}/done/")
    page = client.get(back["Location"]).content.decode()

    assert back["Location"] == f"/pay/{payment.payment_ref}/"
    assert "<strong>Card declined.</strong> The card does not have enough funds" in page
    assert GatewayAttempt.objects.filter(operation="confirm").count() == 1


def test_failed_then_succeeded_with_another_card_counts(client, payment):
    failed = intent(payment, "requires_payment_method", last_payment_error=DECLINE)
    signed(client, stripe_event("payment_intent.payment_failed", failed))
    signed(client, stripe_event("payment_intent.succeeded", intent(payment)))

    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert event_types() == ["payments.PaymentSucceeded"]
    outcomes = list(GatewayAttempt.objects.filter(operation="confirm").values_list("outcome"))
    assert outcomes == [("declined",), ("succeeded",)]


def test_canceled_publishes_a_failure(client, payment):
    signed(client, stripe_event("payment_intent.canceled", intent(payment, "canceled")))

    payment.refresh_from_db()
    assert payment.status == "canceled"
    assert published("payments.PaymentFailed")[0]["decline_code"] == "canceled"


def test_charge_refunded_at_stripe_is_recorded_and_published(client, payment):
    signed(client, stripe_event("payment_intent.succeeded", intent(payment)))
    charge = {"id": "ch_1", "object": "charge", "payment_intent": payment.gateway_ref,
              "amount": 7990, "amount_refunded": 7990, "refunded": True}  # fmt: skip
    signed(client, stripe_event("charge.refunded", charge, "evt_refund"))
    signed(client, stripe_event("charge.refunded", charge, "evt_refund_again"))

    payment.refresh_from_db()
    assert (payment.status, str(payment.refunded)) == ("refunded", "79.90")
    [event] = published("payments.PaymentRefunded")
    assert event["fully_refunded"] is True
    assert Refund.objects.get().amount == payment.amount


def test_an_unknown_event_type_or_intent_is_stored_and_ignored(client, payment):
    assert signed(client, stripe_event("customer.created", {"id": "cus_1"})).status_code == 200
    other = {"id": "pi_someone_else", "status": "succeeded"}
    assert signed(client, stripe_event("payment_intent.succeeded", other)).status_code == 200

    assert WebhookEvent.objects.count() == 2
    assert event_types() == []


@pytest.mark.parametrize("how", ["forged", "unsigned", "stale", "garbage"])
def test_bad_signatures_are_400_and_change_nothing(client, payment, how):
    event = stripe_event("payment_intent.succeeded", intent(payment), "evt_bad")
    if how == "forged":
        response = signed(client, event, secret="whsec_not_ours")
    elif how == "unsigned":
        response = signed(client, event, header="")
    elif how == "stale":
        response = signed(client, event, timestamp=int(time.time()) - 301)
    else:
        response = signed(client, event, header="t=1,v1=deadbeef")

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == "requires_payment"
    assert not WebhookEvent.objects.exists()
    assert event_types() == []


def test_only_post_is_accepted(client, stripe_api):
    assert client.get("/webhooks/stripe/").status_code == 405


def test_without_stripe_the_endpoint_is_a_404(client, db):
    response = client.post("/webhooks/stripe/", data="{}", content_type="application/json")

    assert response.status_code == 404
    assert not WebhookEvent.objects.exists()


def test_a_webhook_needs_no_csrf_token(payment):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    event = stripe_event("payment_intent.succeeded", intent(payment))

    assert signed(strict, event).status_code == 200
    assert Payment.objects.get().status == "succeeded"
