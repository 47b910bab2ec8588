"""Refunds: full and partial, through the gateway, idempotent, never more than was paid."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.payments.models import GatewayAttempt, Payment, Refund
from apps.payments.services import payment_refund, payments_reconcile
from contracts.kernel.money import Money
from contracts.payments.errors import (
    GatewayUnavailable,
    PaymentNotFound,
    PaymentRejected,
    RefundNotAllowed,
)
from contracts.payments.service import payments_service
from tests.payments.conftest import published

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


@pytest.fixture
def paid(stripe_api, open_payment):
    payment = open_payment("50.00", order_ref="MS-REFD-0001")
    stripe_api.set_intent(payment.gateway_ref, "succeeded")
    Payment.objects.filter(pk=payment.pk).update(status="succeeded")
    return payment


def test_a_partial_then_the_rest(stripe_api, paid):
    first = payments_service().refund(paid.payment_ref, eur("20.00"), "dented", "refund-1")
    rest = payments_service().refund(paid.payment_ref, eur("30.00"), "returned", "refund-2")

    paid.refresh_from_db()
    assert (paid.status, paid.refunded) == ("refunded", Decimal("50.00"))
    assert [r.params["amount"] for r in stripe_api.posts("/v1/refunds")] == ["2000", "3000"]
    assert {r.params["payment_intent"] for r in stripe_api.posts("/v1/refunds")} == {
        paid.gateway_ref
    }
    assert (first.refund_ref, rest.refund_ref) == tuple(sorted(stripe_api.refunds))
    events = published("payments.PaymentRefunded")
    assert [e["fully_refunded"] for e in events] == [False, True]


def test_a_partial_refund_leaves_it_partially_refunded(paid):
    payments_service().refund(paid.payment_ref, eur("0.01"), "goodwill", "refund-cent")

    dto = payments_service().get_payment("MS-REFD-0001")
    assert dto.status.value == "partially_refunded"
    assert dto.refunded == eur("0.01")


def test_the_same_key_refunds_once(stripe_api, paid):
    one = payments_service().refund(paid.payment_ref, eur("10.00"), "x", "refund-same")
    two = payments_service().refund(paid.payment_ref, eur("10.00"), "x", "refund-same")

    assert one == two
    assert len(stripe_api.posts("/v1/refunds")) == 1
    assert Refund.objects.count() == 1
    assert len(published("payments.PaymentRefunded")) == 1


def test_too_much_is_refused_before_asking_stripe(stripe_api, paid):
    payments_service().refund(paid.payment_ref, eur("45.00"), "x", "refund-most")

    with pytest.raises(RefundNotAllowed, match="only €5.00 is left"):
        payments_service().refund(paid.payment_ref, eur("5.01"), "x", "refund-too-much")

    assert len(stripe_api.posts("/v1/refunds")) == 1
    assert Refund.objects.count() == 1


def test_an_unpaid_or_unknown_payment_cannot_be_refunded(stripe_api, open_payment):
    unpaid = open_payment()
    with pytest.raises(RefundNotAllowed):
        payment_refund(payment_ref=unpaid.payment_ref, amount=eur("1.00"), reason="",
                       idempotency_key="refund-unpaid")  # fmt: skip
    with pytest.raises(PaymentNotFound):
        payment_refund(payment_ref="pay_nope", amount=eur("1.00"), reason="",
                       idempotency_key="refund-nope")  # fmt: skip
    assert stripe_api.posts("/v1/refunds") == []


def test_stripe_down_leaves_the_refund_requested_and_the_retry_reuses_the_key(stripe_api, paid):
    stripe_api.fail_next("timeout")
    with pytest.raises(GatewayUnavailable):
        payments_service().refund(paid.payment_ref, eur("50.00"), "x", "refund-retry")
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == ("requested", Decimal("50.00"))
    paid.refresh_from_db()
    assert (paid.status, paid.refunded) == ("succeeded", 0)  # nothing counted yet
    assert published("payments.PaymentRefunded") == []
    with pytest.raises(RefundNotAllowed, match="only €0.00 is left"):  # the 50 may be out
        payments_service().refund(paid.payment_ref, eur("1.00"), "x", "refund-other")

    payments_service().refund(paid.payment_ref, eur("50.00"), "x", "refund-retry")

    keys = [r.idempotency_key for r in stripe_api.posts("/v1/refunds")]
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert len(stripe_api.refunds) == 1
    refund.refresh_from_db()
    assert (refund.status, refund.refund_ref) == ("succeeded", next(iter(stripe_api.refunds)))
    attempts = GatewayAttempt.objects.filter(operation="refund")
    assert list(attempts.values_list("key", "outcome")) == [(keys[0], "error"),
                                                            (keys[0], "succeeded")]  # fmt: skip
    assert len(published("payments.PaymentRefunded")) == 1


def test_a_refund_left_requested_is_resumed_by_the_reconciliation(stripe_api, paid):
    stripe_api.fail_next("timeout")
    with pytest.raises(GatewayUnavailable):
        payments_service().refund(paid.payment_ref, eur("20.00"), "x", "refund-lost")

    assert payments_reconcile(now=timezone.now() + timedelta(minutes=6)) >= 1

    paid.refresh_from_db()
    assert (paid.status, paid.refunded) == ("partially_refunded", Decimal("20.00"))
    assert Refund.objects.get().status == "succeeded"
    assert len(stripe_api.refunds) == 1


def test_a_refund_stripe_refuses_is_failed_and_frees_its_amount(stripe_api, paid):
    stripe_api.fail_next("400")
    with pytest.raises(PaymentRejected):
        payments_service().refund(paid.payment_ref, eur("50.00"), "x", "refund-refused")
    with pytest.raises(PaymentRejected):  # the same key: the same answer, Stripe not asked
        payments_service().refund(paid.payment_ref, eur("50.00"), "x", "refund-refused")

    assert Refund.objects.get().status == "failed"
    assert len(stripe_api.posts("/v1/refunds")) == 1
    payments_service().refund(paid.payment_ref, eur("50.00"), "x", "refund-after")
    paid.refresh_from_db()
    assert paid.status == "refunded"


@pytest.mark.django_db(transaction=True)
def test_the_gateway_is_called_outside_any_transaction(stripe_api, paid, monkeypatch):
    seen = []
    original = stripe_api.request

    def request(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return original(*args, **kwargs)

    monkeypatch.setattr(stripe_api, "request", request)
    payments_service().refund(paid.payment_ref, eur("5.00"), "x", "refund-no-tx")

    assert seen == [False]


def test_the_fake_gateway_refunds_too(open_payment, client, shopper):
    payment = open_payment("14.00")
    client.force_login(shopper)
    card = {"number": "4242424242424242", "expiry": "12/39", "cvc": "123", "name": "A"}
    client.post(f"/pay/{payment.payment_ref}/", card)

    refund = payments_service().refund(payment.payment_ref, eur("14.00"), "x", "fake-refund")

    assert refund.refund_ref.startswith("fake_re_")
    assert Payment.objects.get().status == "refunded"
