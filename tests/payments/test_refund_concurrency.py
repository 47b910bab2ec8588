"""Refunds under real concurrency (PostgreSQL): no row lock is held while Stripe is asked, and
refunds at the same moment never refund more than was paid."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import DatabaseError, connections, transaction

from apps.payments.models import Payment, Refund
from contracts.kernel.money import Money
from contracts.payments.errors import RefundNotAllowed
from contracts.payments.service import payments_service
from tests.concurrency import race
from tests.payments.conftest import published

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
]


@pytest.fixture
def paid(stripe_api, open_payment):
    payment = open_payment("50.00", order_ref="MS-RACE-0001")
    stripe_api.set_intent(payment.gateway_ref, "succeeded")
    Payment.objects.filter(pk=payment.pk).update(status="succeeded")
    return payment


def test_ten_refunds_of_ten_at_once_refund_fifty_exactly(stripe_api, paid):
    def refund(n: int) -> None:
        payments_service().refund(
            paid.payment_ref, Money(Decimal("10.00"), "EUR"), "x", f"refund-race-{n}"
        )

    outcomes = race(10, refund, expected={RefundNotAllowed: "refused"})

    assert outcomes == Counter({"ok": 5, "refused": 5})
    paid.refresh_from_db()
    assert (paid.status, paid.refunded) == ("refunded", Decimal("50.00"))
    assert len(stripe_api.posts("/v1/refunds")) == 5
    assert sum(r["amount"] for r in stripe_api.refunds.values()) == 5000
    assert Refund.objects.filter(status="succeeded").count() == 5
    assert [e["fully_refunded"] for e in published("payments.PaymentRefunded")].count(True) == 1


def test_the_payment_row_is_not_locked_while_stripe_is_asked(stripe_api, paid, monkeypatch):
    lockable: list[bool] = []
    original = stripe_api.request

    def try_lock() -> None:  # another request, from another connection, during the call
        try:
            with transaction.atomic():
                Payment.objects.select_for_update(nowait=True).get(pk=paid.pk)
            lockable.append(True)
        except DatabaseError:
            lockable.append(False)
        finally:
            connections.close_all()

    def request(*args, **kwargs):
        other = threading.Thread(target=try_lock)
        other.start()
        other.join(timeout=30)
        return original(*args, **kwargs)

    monkeypatch.setattr(stripe_api, "request", request)
    payments_service().refund(paid.payment_ref, Money(Decimal("5.00"), "EUR"), "x", "refund-lock")

    assert lockable == [True]
