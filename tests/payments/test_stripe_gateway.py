"""Stripe through the real SDK, its transport replaced by an in-memory Stripe: what is sent
(minor units, currency, metadata, a deterministic idempotency key) and how errors map."""

from __future__ import annotations

import pytest
import stripe

from apps.payments.gateways import gateway_key
from apps.payments.gateways import stripe as stripe_gateway
from apps.payments.models import Payment
from contracts.payments.errors import GatewayUnavailable, PaymentRejected
from contracts.payments.service import payments_service
from tests.payments.conftest import event_types

pytestmark = pytest.mark.django_db


def test_start_payment_opens_a_payment_intent_in_minor_units(stripe_api, open_payment):
    payment = open_payment("79.90", key="MS-AAAA-BBBB:pay:1", order_ref="MS-AAAA-BBBB")

    [sent] = stripe_api.posts("/v1/payment_intents")
    assert sent.params["amount"] == "7990"
    assert sent.params["currency"] == "eur"
    assert sent.params["automatic_payment_methods[enabled]"] == "true"
    assert sent.params["metadata[order_ref]"] == "MS-AAAA-BBBB"
    assert sent.params["metadata[payment_ref]"] == payment.payment_ref
    assert sent.idempotency_key == gateway_key("intent", "MS-AAAA-BBBB:pay:1")
    assert sent.headers["Authorization"] == "Bearer sk_test_123"
    assert (payment.gateway, payment.status) == ("stripe", "requires_payment")
    assert payment.gateway_ref == "pi_test0001"
    assert payment.client_secret == "pi_test0001_secret_abc1"
    assert event_types() == []  # nothing happened yet: the shopper has not paid


def test_the_session_carries_the_client_secret_and_our_pay_page(stripe_api, shopper):
    from decimal import Decimal

    from contracts.kernel.money import Money
    from contracts.payments.dto import PaymentCustomer, PaymentStatus

    session = payments_service().start_payment(
        "MS-ZZZZ-0001", Money(Decimal("12.00"), "EUR"),
        PaymentCustomer(shopper.pk, shopper.email, "Ada"), "key-session-1",
    )  # fmt: skip

    assert session.gateway == "stripe"
    assert session.status is PaymentStatus.REQUIRES_PAYMENT
    assert session.client_secret == "pi_test0001_secret_abc1"
    assert session.pay_url == f"/pay/{session.payment_ref}/"


def test_the_same_key_never_opens_a_second_intent(stripe_api, open_payment):
    first = open_payment(key="same-key-123")
    again = open_payment(key="same-key-123")

    assert again.pk == first.pk
    assert len(stripe_api.posts("/v1/payment_intents")) == 1
    assert len(stripe_api.intents) == 1


def test_a_timeout_records_nothing_and_the_retry_reuses_the_idempotency_key(
    stripe_api, open_payment
):
    stripe_api.fail_next("timeout")
    with pytest.raises(GatewayUnavailable):
        open_payment(key="retry-key-1")
    assert not Payment.objects.exists()

    payment = open_payment(key="retry-key-1")

    keys = [r.idempotency_key for r in stripe_api.posts("/v1/payment_intents")]
    assert keys == [gateway_key("intent", "retry-key-1")] * 2
    assert payment.gateway_ref == "pi_test0001"
    assert len(stripe_api.intents) == 1


def test_the_sdk_retries_a_dropped_connection_with_the_same_key(
    stripe_api, open_payment, monkeypatch
):
    monkeypatch.setattr(stripe_gateway, "MAX_NETWORK_RETRIES", 2)
    monkeypatch.setattr(stripe.HTTPClient, "_sleep_time_seconds", lambda self, n: 0)
    stripe_api.fail_next("timeout", "500")

    payment = open_payment(key="sdk-retry-1")

    sent = stripe_api.posts("/v1/payment_intents")
    assert len(sent) == 3
    assert {r.idempotency_key for r in sent} == {gateway_key("intent", "sdk-retry-1")}
    assert payment.gateway_ref == "pi_test0001"


@pytest.mark.parametrize(("failure", "error"), [
    ("timeout", GatewayUnavailable), ("500", GatewayUnavailable), ("400", PaymentRejected),
])  # fmt: skip
def test_stripe_errors_map_onto_the_contract(stripe_api, open_payment, failure, error):
    stripe_api.fail_next(failure)

    with pytest.raises(error):
        open_payment()

    assert not Payment.objects.exists()
    assert event_types() == []


def test_idempotency_keys_are_deterministic_and_distinct_per_kind():
    assert gateway_key("intent", "k1") == gateway_key("intent", "k1")
    assert gateway_key("intent", "k1") != gateway_key("intent", "k2")
    assert gateway_key("intent", "k1") != gateway_key("refund", "k1")
    assert len(gateway_key("refund", "x" * 500)) < 255


def test_every_stripe_write_carries_an_idempotency_key(stripe_api, open_payment):
    from apps.payments.services import payment_refund
    from contracts.kernel.money import Money

    payment = open_payment("20.00")
    stripe_api.set_intent(payment.gateway_ref, "succeeded")
    Payment.objects.filter(pk=payment.pk).update(status="succeeded")
    payment_refund(payment_ref=payment.payment_ref, amount=Money("5.00", "EUR"),
                   reason="scratched", idempotency_key="refund-key-1")  # fmt: skip

    writes = [r for r in stripe_api.requests if r.method == "post"]
    assert [r.path for r in writes] == ["/v1/payment_intents", "/v1/refunds"]
    assert all(r.idempotency_key and r.idempotency_key.startswith("microstore-") for r in writes)
