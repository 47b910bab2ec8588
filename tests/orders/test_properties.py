"""Property: no sequence of events and actions reaches an illegal state, and replaying any event
is harmless (hypothesis drives a real order through the real services and handlers)."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.catalog.models import Stock
from apps.orders import handlers
from apps.orders.models import Order
from apps.orders.services import actions
from apps.orders.transitions import ALLOWED
from contracts.kernel.errors import ContractError
from contracts.kernel.money import Money
from contracts.orders.dto import OrderStatus
from contracts.payments.dto import PaymentCustomer
from contracts.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from tests.orders.fakes import FakePayments

pytestmark = pytest.mark.django_db

STEPS = [
    "succeed",
    "fail",
    "refund",
    "partial_refund",
    "cancel",
    "fulfil",
    "deliver",
    "retry",
    "replay",
]


def apply(order: Order, step: str, history: list, payments: FakePayments) -> None:
    money = Money(order.total, "EUR")
    ref = order.payment_ref or "pay_x"
    if step == "succeed":
        if ref in payments.paid:
            return  # payments says a payment succeeded once (a redelivery is "replay")
        payments.pay(ref)
    events = {
        "succeed": lambda: PaymentSucceeded(order_ref=order.number, payment_ref=ref, amount=money),
        "fail": lambda: PaymentFailed(
            order_ref=order.number, payment_ref=ref, reason="declined", decline_code="card_declined"
        ),
        "refund": lambda: PaymentRefunded(
            order_ref=order.number, payment_ref=ref, amount=money, fully_refunded=True
        ),
        "partial_refund": lambda: PaymentRefunded(
            order_ref=order.number,
            payment_ref=ref,
            amount=Money("1.00", "EUR"),
            fully_refunded=False,
        ),
    }
    handler = {
        "succeed": handlers.on_payment_succeeded,
        "fail": handlers.on_payment_failed,
        "refund": handlers.on_payment_refunded,
        "partial_refund": handlers.on_payment_refunded,
    }
    if step in events:
        event = events[step]()
        history.append((handler[step], event))
        handler[step](event)
        return
    if step == "replay":
        if history:
            before = Order.objects.get(pk=order.pk).status
            replayed, event = history[-1]
            replayed(event)
            assert Order.objects.get(pk=order.pk).status == before, "a replay changed the order"
        return
    customer = PaymentCustomer(order.customer_id, order.email, "x")
    action = {
        "cancel": lambda: actions.order_cancel(number=order.number, actor="t", reason="t"),
        "fulfil": lambda: actions.order_fulfil(number=order.number, tracking_number="T", actor="t"),
        "deliver": lambda: actions.order_deliver(number=order.number, actor="t"),
        "retry": lambda: actions.order_retry_payment(number=order.number, customer=customer),
    }[step]
    with contextlib.suppress(
        ContractError
    ):  # refused: asserted below that nothing illegal happened
        action()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.sampled_from(STEPS), min_size=1, max_size=8))
def test_no_sequence_reaches_an_illegal_state(place, mug, payments, steps):
    Stock.objects.filter(pk=mug.pk).update(on_hand=1000, reserved=0)  # examples share the db
    order = place({mug: 1}, key=uuid.uuid4().hex)
    history: list = []
    for step in steps:
        order.refresh_from_db()
        apply(order, step, history, payments)
        order.refresh_from_db()
        assert order.status in {s.value for s in OrderStatus}
    # Every audited move is in the table, and the moves chain: each starts where the last ended.
    moves = [(s, t) for s, t in order.timeline.values_list("from_status", "to_status") if s != t]
    assert moves[0] == ("", "pending_payment")
    for (_, previous_end), (start, end) in zip(moves, moves[1:], strict=False):
        assert start == previous_end, (moves, steps)
        assert OrderStatus(end) in ALLOWED[OrderStatus(start)], (start, end, steps)
    assert order.status == moves[-1][1]
