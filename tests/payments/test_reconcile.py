"""Reconciliation: a lost webhook cannot leave a payment (and its order) waiting forever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.payments.models import Payment
from apps.payments.services import payments_reconcile
from apps.payments.tasks import reconcile_payments
from microstore.outbox.schedule import JOBS
from tests.payments.conftest import event_types, published

pytestmark = pytest.mark.django_db


def age(payment, minutes):
    when = timezone.now() - timedelta(minutes=minutes)
    Payment.objects.filter(pk=payment.pk).update(updated_at=when)


def test_a_payment_stuck_without_its_webhook_is_settled(stripe_api, open_payment):
    paid, declined, waiting, fresh = (open_payment(order_ref=f"MS-RECO-000{i}") for i in range(4))
    stripe_api.set_intent(paid.gateway_ref, "succeeded")
    stripe_api.set_intent(declined.gateway_ref, "requires_payment_method",
                          {"decline_code": "generic_decline", "message": "Declined."})  # fmt: skip
    stripe_api.set_intent(fresh.gateway_ref, "succeeded")
    for payment in (paid, declined, waiting):
        age(payment, 6)

    moved = payments_reconcile()

    assert moved == 2
    statuses = {p.order_ref: p.status for p in Payment.objects.all()}
    assert Payment.objects.get(order_ref="MS-RECO-0001").decline_code == "generic_decline"
    assert statuses == {"MS-RECO-0000": "succeeded", "MS-RECO-0001": "requires_payment",
                        "MS-RECO-0002": "requires_payment",  # not paid yet: left alone
                        "MS-RECO-0003": "requires_payment"}  # fmt: skip  # too young to ask
    assert [e["order_ref"] for e in published("payments.PaymentSucceeded")] == ["MS-RECO-0000"]
    assert published("payments.PaymentFailed") == []  # declined, still open for another card
    asked = {r.path for r in stripe_api.requests if r.method == "get"}
    assert fresh.gateway_ref not in {p.rsplit("/", 1)[1] for p in asked}


def test_reconciling_twice_publishes_once(stripe_api, open_payment):
    payment = open_payment()
    stripe_api.set_intent(payment.gateway_ref, "succeeded")
    age(payment, 10)

    payments_reconcile()
    age(payment, 10)
    assert payments_reconcile() == 0

    assert len(published("payments.PaymentSucceeded")) == 1


def test_stripe_down_during_reconciliation_changes_nothing(stripe_api, open_payment):
    payment = open_payment()
    stripe_api.set_intent(payment.gateway_ref, "succeeded")
    age(payment, 10)
    stripe_api.fail_next("timeout")

    assert payments_reconcile() == 0
    assert Payment.objects.get().status == "requires_payment"
    assert event_types() == []


def test_the_fake_gateway_has_nothing_to_reconcile(open_payment):
    payment = open_payment()
    age(payment, 60)

    assert payments_reconcile() == 0


def test_the_task_is_on_the_schedule_and_runs_in_the_worker(stripe_api, open_payment, drain_tasks):
    assert JOBS["payments.reconcile"].task_path == "apps.payments.tasks.reconcile_payments"
    assert JOBS["payments.reconcile"].interval == timedelta(minutes=5)
    payment = open_payment()
    stripe_api.set_intent(payment.gateway_ref, "processing")
    age(payment, 10)

    reconcile_payments.enqueue()
    drain_tasks()

    assert Payment.objects.get().status == "processing"
