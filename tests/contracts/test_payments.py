"""The payments contract, kept by every binding (local, loopback, HTTP) and by the fake that
orders' tests use instead of it (tests/orders/fakes.py).

The real service runs on the fake gateway (no Stripe keys); the shopper pays with its success
test card, on the fake with `pay()`: the only steps outside the contract, in `pay()` below.
The gateway going down is the gateway's own methods raising what a timeout raises.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.payments.gateways.base import Intent
from apps.payments.gateways.fake import FakeGateway
from apps.payments.models import GatewayAttempt
from apps.payments.services import payment_apply_intent, payment_pay_with_test_card
from contracts.kernel.money import Money
from contracts.payments.dto import (
    PaymentCustomer,
    PaymentDTO,
    PaymentFigures,
    PaymentSession,
    PaymentStatus,
    RefundDTO,
)
from contracts.payments.errors import (
    GatewayUnavailable,
    PaymentNotFound,
    PaymentRejected,
    RefundNotAllowed,
)
from contracts.payments.service import VERSION
from tests.contracts.conftest import implementations
from tests.orders.fakes import FakePayments

payments = implementations("payments", fake=FakePayments)
ADA = PaymentCustomer(customer_id=7, email="ada@example.com", name="Ada Lovelace")
ORDER = "MS-PAYS-0001"
S = PaymentStatus


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def start(payments, amount="79.90", *, order_ref=ORDER, key="") -> PaymentSession:
    return payments.start_payment(order_ref, eur(amount), ADA, key or uuid.uuid4().hex)


def pay(payments, session: PaymentSession) -> None:
    """The shopper pays: Stripe's success test card at the fake gateway, `pay` on the fake."""
    if isinstance(payments, FakePayments):
        payments.pay(session.payment_ref)
    else:
        payment_pay_with_test_card(
            payment_ref=session.payment_ref, number="4242424242424242", attempt_key=uuid.uuid4().hex
        )


def paid(payments, amount: str = "79.90") -> PaymentSession:
    session = start(payments, amount)
    pay(payments, session)
    return session


def at_gateway(payments, operation: str) -> int:
    """How many intents ("open") or refunds ("refund") the gateway made."""
    if isinstance(payments, FakePayments):
        return len(payments.started if operation == "open" else payments.refunds)
    return GatewayAttempt.objects.filter(operation=operation, outcome="succeeded").count()


@contextlib.contextmanager
def gateway_down(payments) -> Iterator[GatewayUnavailable]:
    down = GatewayUnavailable("the payment gateway timed out")
    if isinstance(payments, FakePayments):
        payments.fail_with = down
        try:
            yield down
        finally:
            payments.fail_with = None
        return

    def fail(*args: object, **kwargs: object) -> None:
        raise down

    with pytest.MonkeyPatch.context() as patch:  # the server's thread sees it too
        patch.setattr(FakeGateway, "create_intent", fail)
        patch.setattr(FakeGateway, "refund", fail)
        yield down


def test_health_names_the_service_its_contract_version_and_gateway(payments):
    health = payments.health()

    assert (health.service, health.version, health.ok) == ("payments", VERSION, True), health
    assert "gateway: fake" in health.detail


def test_start_payment_opens_a_payment_waiting_for_the_shopper(payments):
    session = start(payments, "79.90")

    assert session == PaymentSession(
        session.payment_ref, ORDER, S.REQUIRES_PAYMENT, eur("79.90"), gateway="fake",
        client_secret=None, pay_url=session.pay_url,  # no Stripe, no client secret
    )  # fmt: skip
    assert session.payment_ref.startswith("pay_")
    # The service collects on its own pay page; the fake has none (it answers at once).
    fake = isinstance(payments, FakePayments)
    assert session.pay_url == (None if fake else f"/pay/{session.payment_ref}/")
    payment = payments.get_payment(ORDER)
    assert payment == PaymentDTO(
        session.payment_ref, ORDER, S.REQUIRES_PAYMENT, eur("79.90"), eur("0.00"), "fake", "",
        gateway_ref=payment.gateway_ref,
    )  # fmt: skip
    assert payment.gateway_ref.startswith("fake_")


def test_start_payment_with_the_same_key_is_the_same_session_and_one_intent(payments):
    first = start(payments, "79.90", key="checkout-key-1")

    again = start(payments, "79.90", key="checkout-key-1")
    other_args = start(payments, "12.00", order_ref="MS-PAYS-0002", key="checkout-key-1")

    assert again == first
    assert other_args == first  # the key names the payment: nothing else is opened
    assert at_gateway(payments, "open") == 1
    assert payments.get_payment(ORDER).payment_ref == first.payment_ref
    with pytest.raises(PaymentNotFound):
        payments.get_payment("MS-PAYS-0002")


def test_start_payment_with_another_key_opens_another_payment_and_the_latest_counts(payments):
    first = start(payments, "79.90", key="checkout-key-1")

    second = start(payments, "79.90", key="checkout-key-2")

    assert second.payment_ref != first.payment_ref
    assert at_gateway(payments, "open") == 2
    assert payments.get_payment(ORDER).payment_ref == second.payment_ref


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_start_payment_of_nothing_is_rejected_and_opens_nothing(payments, amount):
    with pytest.raises(PaymentRejected) as caught:
        start(payments, amount)

    assert caught.value.code == "payment_rejected"
    assert (caught.value.message, caught.value.details) == (
        "a payment must be for more than nothing", {},
    )  # fmt: skip
    assert at_gateway(payments, "open") == 0
    with pytest.raises(PaymentNotFound):
        payments.get_payment(ORDER)


def test_start_payment_while_the_gateway_is_down_can_be_retried_with_the_same_key(payments):
    with gateway_down(payments), pytest.raises(GatewayUnavailable) as caught:
        start(payments, key="checkout-key-1")

    assert (caught.value.code, caught.value.message) == (
        "gateway_unavailable", "the payment gateway timed out",
    )  # fmt: skip
    with pytest.raises(PaymentNotFound):
        payments.get_payment(ORDER)
    session = start(payments, key="checkout-key-1")  # the gateway is back
    assert payments.get_payment(ORDER).payment_ref == session.payment_ref
    assert at_gateway(payments, "open") == 1


def test_get_payment_of_an_order_without_one_raises_payment_not_found(payments):
    start(payments)

    with pytest.raises(PaymentNotFound) as caught:
        payments.get_payment("MS-NONE-0000")

    assert caught.value.code == "payment_not_found"
    assert (caught.value.message, caught.value.details) == (
        "no payment for order 'MS-NONE-0000'", {},
    )  # fmt: skip


def test_get_payment_of_a_paid_payment(payments):
    session = paid(payments, "79.90")

    payment = payments.get_payment(ORDER)

    assert (payment.payment_ref, payment.status, payment.amount, payment.refunded) == (
        session.payment_ref, S.SUCCEEDED, eur("79.90"), eur("0.00"),
    )  # fmt: skip
    assert payment.failure_reason == ""


def test_refund_part_then_the_rest(payments):
    session = paid(payments, "79.90")

    part = payments.refund(session.payment_ref, eur("30.00"), "a broken mug", "refund-1")
    after_part = payments.get_payment(ORDER)
    rest = payments.refund(session.payment_ref, eur("49.90"), "the rest", "refund-2")
    after_rest = payments.get_payment(ORDER)

    assert part == RefundDTO(part.refund_ref, session.payment_ref, eur("30.00"), "succeeded")
    assert rest == RefundDTO(rest.refund_ref, session.payment_ref, eur("49.90"), "succeeded")
    assert len({part.refund_ref, rest.refund_ref} - {""}) == 2  # two refunds, each named
    assert (after_part.status, after_part.refunded) == (S.PARTIALLY_REFUNDED, eur("30.00"))
    assert (after_rest.status, after_rest.refunded) == (S.REFUNDED, eur("79.90"))


def test_refund_with_the_same_key_is_one_refund(payments):
    session = paid(payments, "79.90")

    first = payments.refund(session.payment_ref, eur("30.00"), "a broken mug", "refund-1")
    again = payments.refund(session.payment_ref, eur("30.00"), "a broken mug", "refund-1")
    other_amount = payments.refund(session.payment_ref, eur("49.90"), "more", "refund-1")

    assert again == first
    assert other_amount == first  # the key names the refund: nothing more goes back
    assert at_gateway(payments, "refund") == 1
    assert payments.get_payment(ORDER).refunded == eur("30.00")


def test_refund_of_more_than_is_left_is_not_allowed_and_refunds_nothing(payments):
    session = paid(payments, "79.90")
    payments.refund(session.payment_ref, eur("30.00"), "a broken mug", "refund-1")

    with pytest.raises(RefundNotAllowed) as caught:
        payments.refund(session.payment_ref, eur("49.91"), "too much", "refund-2")

    assert caught.value.code == "refund_not_allowed"
    assert (caught.value.message, caught.value.details) == (
        "only €49.90 is left to refund", {"refundable": "49.90"},
    )  # fmt: skip
    assert payments.get_payment(ORDER).refunded == eur("30.00")
    assert at_gateway(payments, "refund") == 1


def test_refund_of_a_fully_refunded_payment_is_not_allowed(payments):
    session = paid(payments, "79.90")
    payments.refund(session.payment_ref, eur("79.90"), "all of it", "refund-1")

    with pytest.raises(RefundNotAllowed) as caught:
        payments.refund(session.payment_ref, eur("0.01"), "a cent more", "refund-2")

    assert (caught.value.message, caught.value.details) == (
        f"payment {session.payment_ref} is refunded", {},
    )  # fmt: skip
    assert payments.get_payment(ORDER).refunded == eur("79.90")


def test_refund_of_a_payment_never_paid_is_not_allowed(payments):
    session = start(payments, "79.90")

    with pytest.raises(RefundNotAllowed) as caught:
        payments.refund(session.payment_ref, eur("10.00"), "nothing was paid", "refund-1")

    assert (caught.value.message, caught.value.details) == (
        f"payment {session.payment_ref} is requires_payment", {},
    )  # fmt: skip
    assert at_gateway(payments, "refund") == 0


@pytest.mark.parametrize("amount", [Money("0.00", "EUR"), Money("10.00", "USD")], ids=str)
def test_refund_of_nothing_or_in_another_currency_is_not_allowed(payments, amount):
    session = paid(payments, "79.90")

    with pytest.raises(RefundNotAllowed) as caught:
        payments.refund(session.payment_ref, amount, "odd", "refund-1")

    assert (caught.value.message, caught.value.details) == (
        "the refund must be a positive amount in the payment's currency", {},
    )  # fmt: skip
    assert payments.get_payment(ORDER).status is S.SUCCEEDED


def test_refund_of_an_unknown_payment_raises_payment_not_found(payments):
    paid(payments)

    with pytest.raises(PaymentNotFound) as caught:
        payments.refund("pay_unknown", eur("10.00"), "who?", "refund-1")

    assert caught.value.code == "payment_not_found"
    assert (caught.value.message, caught.value.details) == ("no payment 'pay_unknown'", {})
    assert at_gateway(payments, "refund") == 0


def test_refund_while_the_gateway_is_down_refunds_once_when_retried(payments):
    session = paid(payments, "79.90")

    with gateway_down(payments), pytest.raises(GatewayUnavailable):
        payments.refund(session.payment_ref, eur("30.00"), "a broken mug", "refund-1")

    assert payments.get_payment(ORDER).refunded == eur("0.00")
    refund = payments.refund(session.payment_ref, eur("30.00"), "a broken mug", "refund-1")
    assert (refund.amount, refund.status) == (eur("30.00"), "succeeded")
    assert payments.refund(session.payment_ref, eur("30.00"), "again", "refund-1") == refund
    assert payments.get_payment(ORDER).refunded == eur("30.00")
    assert at_gateway(payments, "refund") == 1


def fail(payments, session: PaymentSession) -> None:
    """The gateway reports the payment failed (Stripe: the intent's `payment_failed`)."""
    if isinstance(payments, FakePayments):
        payments.fail(session.payment_ref)
    else:
        ref = payments.get_payment(session.order_ref).gateway_ref
        intent = Intent(ref, S.FAILED, failure_code="expired_card", failure_message="Expired.")
        payment_apply_intent(gateway_ref=ref, intent=intent, source="test")


def test_figures_count_the_payments_that_failed_since_a_time(payments):
    before = timezone.now()
    for n in range(3):
        session = start(payments, order_ref=f"MS-FIGS-000{n}")
        if n:
            fail(payments, session)
    paid(payments)  # succeeded: not a failure

    assert payments.get_payment("MS-FIGS-0001").status is S.FAILED
    assert payments.figures(before) == PaymentFigures(failed=2)
    assert payments.figures(timezone.now() + timedelta(seconds=1)) == PaymentFigures(failed=0)
