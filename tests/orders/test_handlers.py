"""Orders hear from payments through the outbox; duplicated and late events change nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog.models import Reservation, Stock
from apps.orders.services.actions import order_retry_payment
from contracts.kernel.events import publish
from contracts.kernel.money import Money
from contracts.payments.dto import PaymentCustomer
from contracts.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded

pytestmark = pytest.mark.django_db


def declined(order, reason: str) -> PaymentFailed:
    return PaymentFailed(
        order_ref=order.number,
        payment_ref=order.payment_ref,
        reason=reason,
        decline_code="card_declined",
    )


def expire_holds() -> None:
    """As if the hold ran out and the catalog's expiry job ran."""
    from apps.catalog.services.stock import reservations_release_expired

    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    reservations_release_expired()


def succeeded(order) -> PaymentSucceeded:
    return PaymentSucceeded(
        order_ref=order.number, payment_ref=order.payment_ref, amount=Money(order.total, "EUR")
    )


def test_a_successful_payment_pays_the_order_and_sells_the_stock(place, mug, drain_tasks):
    order = place({mug: 2})
    publish(succeeded(order))
    drain_tasks()

    order.refresh_from_db()
    assert order.status == "paid"
    stock = Stock.objects.get(pk=mug.pk)
    assert (stock.on_hand, stock.reserved) == (3, 0)


def test_the_same_success_delivered_twice_counts_once(place, mug, drain_tasks):
    order = place({mug: 1})
    event = succeeded(order)
    publish(event)
    drain_tasks()
    from apps.orders.handlers import on_payment_succeeded

    on_payment_succeeded(event)  # a replayed delivery

    order.refresh_from_db()
    assert order.status == "paid"
    assert order.timeline.filter(to_status="paid").count() == 1
    assert Stock.objects.get(pk=mug.pk).on_hand == 4


def test_a_late_failure_after_success_never_moves_the_order_back(place, mug, drain_tasks):
    order = place({mug: 1})
    publish(succeeded(order))
    publish(declined(order, "card declined"))
    drain_tasks()
    order.refresh_from_db()
    assert order.status == "paid"


def test_a_decline_lets_the_shopper_retry_on_the_same_order(
    place, mug, drain_tasks, payments, shopper
):
    order = place({mug: 1})
    publish(declined(order, "Your card was declined."))
    drain_tasks()
    order.refresh_from_db()
    assert order.status == "payment_failed"
    assert order.timeline.last().reason == "Your card was declined."

    order_retry_payment(
        number=order.number, customer=PaymentCustomer(shopper.pk, shopper.email, "Ada")
    )

    order.refresh_from_db()
    assert (order.status, order.payment_attempts) == ("pending_payment", 2)
    assert set(payments.started) == {f"{order.number}:pay:1", f"{order.number}:pay:2"}
    assert Stock.objects.get(pk=mug.pk).reserved == 1  # still one hold


def test_a_retry_after_the_hold_expired_holds_the_stock_again(place, mug, drain_tasks, shopper):
    order = place({mug: 1})
    publish(declined(order, "no"))
    drain_tasks()
    expire_holds()
    assert Stock.objects.get(pk=mug.pk).reserved == 0

    order_retry_payment(
        number=order.number, customer=PaymentCustomer(shopper.pk, shopper.email, "A")
    )

    order.refresh_from_db()
    assert order.reservation_ref.endswith(":r2")
    assert Stock.objects.get(pk=mug.pk).reserved == 1


def test_money_that_arrives_after_the_hold_expired_still_buys_what_is_left(place, mug, drain_tasks):
    order = place({mug: 2})
    expire_holds()

    publish(succeeded(order))
    drain_tasks()

    order.refresh_from_db()
    assert order.status == "paid"
    assert Stock.objects.get(pk=mug.pk).on_hand == 3


def test_money_for_items_that_sold_out_meanwhile_is_refunded(place, mug, drain_tasks, payments):
    order = place({mug: 2})
    expire_holds()
    Stock.objects.filter(pk=mug.pk).update(on_hand=1)
    payments.pay(order.payment_ref)

    publish(succeeded(order))
    drain_tasks()

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert [r.amount for r in payments.refunds.values()] == [Money(order.total, "EUR")]
    assert Stock.objects.get(pk=mug.pk).on_hand == 1


def test_a_full_refund_from_the_gateway_makes_the_order_refunded(place, mug, drain_tasks):
    order = place({mug: 1})
    publish(succeeded(order))
    drain_tasks()
    publish(
        PaymentRefunded(
            order_ref=order.number,
            payment_ref=order.payment_ref,
            amount=Money(order.total, "EUR"),
            fully_refunded=True,
        )
    )
    drain_tasks()
    order.refresh_from_db()
    assert order.status == "refunded"


def test_a_partial_refund_is_noted_but_the_order_stays_paid(place, mug, drain_tasks):
    order = place({mug: 1})
    publish(succeeded(order))
    drain_tasks()
    publish(
        PaymentRefunded(
            order_ref=order.number,
            payment_ref=order.payment_ref,
            amount=Money("5.00", "EUR"),
            fully_refunded=False,
        )
    )
    drain_tasks()
    order.refresh_from_db()
    assert order.status == "paid"
    assert order.timeline.last().reason == f"refunded €5.00 (€5.00 of €{order.total} in all)"


def test_events_for_unknown_orders_are_ignored(drain_tasks, place, mug):
    publish(
        PaymentSucceeded(order_ref="MS-NOPE-NOPE", payment_ref="pay_x", amount=Money("1.00", "EUR"))
    )
    drain_tasks()  # delivered, nothing to do, no error
    from microstore.outbox.models import Delivery

    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
