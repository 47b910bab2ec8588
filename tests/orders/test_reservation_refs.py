"""An order's stock holds are named from its fields, never parsed back from a string: an API
idempotency key may hold ":r" or ":late" and still never names another order's hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog.models import Reservation, Stock
from apps.catalog.services.stock import reservations_release_expired
from apps.orders.services.actions import order_retry_payment
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.payments.dto import PaymentCustomer
from contracts.payments.events import PaymentFailed, PaymentSucceeded

pytestmark = pytest.mark.django_db


def expire(order) -> None:
    Reservation.objects.filter(reference=order.reservation_ref).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    reservations_release_expired()


def test_a_retried_hold_never_takes_the_hold_of_an_order_whose_key_ends_in_r2(
    place, mug, shopper, drain_tasks
):
    first = place({mug: 1}, key="same-key-01")
    publish(
        PaymentFailed(
            order_ref=first.number, payment_ref=first.payment_ref, reason="no", decline_code="x"
        )
    )
    drain_tasks()
    expire(first)
    second = place({mug: 1}, key="same-key-01:r2")  # what the retry below once spelled

    retried = order_retry_payment(
        number=first.number, customer=PaymentCustomer(shopper.pk, shopper.email, "Ada")
    )

    assert retried.status == "pending_payment"
    assert retried.reservation_ref != second.reservation_ref
    holds = Reservation.objects.filter(status="active")
    assert sorted(holds.values_list("reference", flat=True)) == sorted(
        [retried.reservation_ref, second.reservation_ref]
    )
    assert Stock.objects.get(pk=mug.pk).reserved == 2


def test_a_late_payment_never_commits_the_hold_of_an_order_whose_key_ends_in_late(
    place, mug, drain_tasks
):
    late = place({mug: 1}, key="shop:r0000001")
    expire(late)
    other = place({mug: 1}, key="shop:late")  # what the late hold below once spelled

    publish(
        PaymentSucceeded(
            order_ref=late.number, payment_ref=late.payment_ref, amount=Money(late.total, "EUR")
        )
    )
    drain_tasks()

    late.refresh_from_db()
    assert late.status == "paid"
    assert late.reservation_ref != other.reservation_ref
    assert Reservation.objects.get(reference=other.reservation_ref).status == "active"
    assert Reservation.objects.get(reference=late.reservation_ref).status == "committed"
    stock = Stock.objects.get(pk=mug.pk)
    assert (stock.on_hand, stock.reserved) == (4, 1)
