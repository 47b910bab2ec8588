"""The fake gateway (no STRIPE keys): Stripe's three test cards on our own pay page."""

from __future__ import annotations

import pytest

from apps.payments.models import GatewayAttempt, Payment
from tests.payments.conftest import event_types, published

pytestmark = pytest.mark.django_db

SUCCEEDS, DECLINED, NO_FUNDS = "4242 4242 4242 4242", "4000 0000 0000 0002", "4000 0000 0000 9995"


def card(number: str, **overrides: str) -> dict[str, str]:
    return {"number": number, "expiry": "12/39", "cvc": "123", "name": "Ada Lovelace", **overrides}


@pytest.fixture
def paying(client, shopper, open_payment):
    client.force_login(shopper)
    return open_payment("14.00", order_ref="MS-PAYS-0001")


def test_without_stripe_keys_payments_use_the_fake_gateway(paying):
    assert (paying.gateway, paying.status, paying.client_secret) == ("fake", "requires_payment", "")
    assert paying.gateway_ref.startswith("fake_pi_")


def test_the_pay_page_shows_test_mode_and_the_amount(client, paying):
    page = client.get(f"/pay/{paying.payment_ref}/").content.decode()

    assert "Test mode — use card 4242" in page
    assert "Pay €14.00" in page
    assert "js.stripe.com" not in page


def test_4242_succeeds_publishes_and_goes_to_the_order(client, paying):
    response = client.post(f"/pay/{paying.payment_ref}/", card(SUCCEEDS))

    assert response.status_code == 302
    assert response["Location"] == "/orders/MS-PAYS-0001/"
    paying.refresh_from_db()
    assert paying.status == "succeeded"
    [event] = published("payments.PaymentSucceeded")
    assert (event["order_ref"], event["payment_ref"]) == ("MS-PAYS-0001", paying.payment_ref)


def attempts():
    return list(GatewayAttempt.objects.filter(operation="confirm").values_list("outcome", "code"))


@pytest.mark.parametrize(("number", "code", "text"), [
    (DECLINED, "generic_decline", "declined the card"),
    (NO_FUNDS, "insufficient_funds", "does not have enough funds"),
])  # fmt: skip
def test_a_decline_keeps_the_payment_open_and_says_why_on_the_same_page(
    client, paying, number, code, text
):
    response = client.post(f"/pay/{paying.payment_ref}/", card(number))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Pay €14.00" in page  # the card form again, for another card
    alert = '<p id="card-declined" class="form-errors pay-declined" role="alert">'
    assert f"{alert}<strong>Card declined.</strong> " in page
    assert text in page
    assert 'aria-invalid="true" aria-describedby="card-declined"' in page
    assert 'value="Ada Lovelace"' in page  # what was typed stays, but not the card number
    assert "4000 0000 0000" not in page.split('id="id_number"')[1].split(">")[0]
    paying.refresh_from_db()
    assert (paying.status, paying.decline_code) == ("requires_payment", code)
    assert attempts() == [("declined", code)]
    assert event_types() == []  # no PaymentFailed: the order stays pending, the hold stays


def test_another_card_right_after_a_decline_pays_whatever_the_worker_does(client, paying):
    client.post(f"/pay/{paying.payment_ref}/", card(DECLINED))
    again = client.get(f"/pay/{paying.payment_ref}/")  # a reload: the form, and why
    paid = client.post(f"/pay/{paying.payment_ref}/", card(SUCCEEDS))

    assert again.status_code == 200
    assert "Your bank declined the card without giving a reason." in again.content.decode()
    assert paid["Location"] == "/orders/MS-PAYS-0001/"
    paying.refresh_from_db()
    assert paying.status == "succeeded"
    assert attempts() == [("declined", "generic_decline"), ("succeeded", "")]
    assert event_types() == ["payments.PaymentSucceeded"]


@pytest.mark.parametrize("number", [SUCCEEDS, DECLINED])
def test_the_same_card_form_submitted_twice_is_one_attempt(client, paying, number):
    form = card(number, attempt="f" * 32)
    first = client.post(f"/pay/{paying.payment_ref}/", form)
    second = client.post(f"/pay/{paying.payment_ref}/", form)

    assert first.status_code == second.status_code
    assert len(attempts()) == 1
    assert len(published("payments.PaymentSucceeded")) == (number == SUCCEEDS)


@pytest.mark.parametrize(("fields", "message"), [
    (card("4111 1111 1111 1112"), "not valid"),
    (card("5555 5555 5555 4444"), "test cards only"),
    (card(SUCCEEDS, expiry="01/20"), "expired"),
    (card(SUCCEEDS, expiry="13/40"), "MM/YY"),
    (card(SUCCEEDS, cvc="12"), "3 or 4 digits"),
    (card(SUCCEEDS, name=""), "required"),
])  # fmt: skip
def test_anything_else_is_a_form_error_and_charges_nothing(client, paying, fields, message):
    response = client.post(f"/pay/{paying.payment_ref}/", fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    paying.refresh_from_db()
    assert paying.status == "requires_payment"
    assert event_types() == []


def test_paying_twice_charges_once(client, paying):
    client.post(f"/pay/{paying.payment_ref}/", card(SUCCEEDS))
    again = client.post(f"/pay/{paying.payment_ref}/", card(SUCCEEDS))

    assert again["Location"] == "/orders/MS-PAYS-0001/"
    assert len(published("payments.PaymentSucceeded")) == 1
    assert attempts() == [("succeeded", "")]


def test_cancelling_the_payment_closes_it_and_publishes_payment_failed_once(client, paying):
    response = client.post(f"/pay/{paying.payment_ref}/cancel/")
    client.post(f"/pay/{paying.payment_ref}/cancel/")  # a double click
    closed = client.get(f"/pay/{paying.payment_ref}/")
    late = client.post(f"/pay/{paying.payment_ref}/", card(SUCCEEDS))

    assert response["Location"] == "/orders/MS-PAYS-0001/"
    paying.refresh_from_db()
    assert (paying.status, paying.decline_code) == ("canceled", "canceled")
    [event] = published("payments.PaymentFailed")
    assert (event["payment_ref"], event["decline_code"]) == (paying.payment_ref, "canceled")
    assert event_types() == ["payments.PaymentFailed"]  # never charged afterwards
    assert "This payment is closed" in closed.content.decode()
    assert "This payment is closed" in late.content.decode()
    assert list(GatewayAttempt.objects.values_list("operation", "outcome")) == [
        ("open", "succeeded"), ("cancel", "succeeded"),
    ]  # fmt: skip


def test_a_paid_payment_cannot_be_cancelled(client, paying):
    client.post(f"/pay/{paying.payment_ref}/", card(SUCCEEDS))

    response = client.post(f"/pay/{paying.payment_ref}/cancel/")

    assert response["Location"] == "/orders/MS-PAYS-0001/"
    assert Payment.objects.get().status == "succeeded"
    assert event_types() == ["payments.PaymentSucceeded"]


def test_another_shoppers_payment_is_a_404(client, paying):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(email="eve@example.com"))

    assert client.get(f"/pay/{paying.payment_ref}/").status_code == 404
    assert client.post(f"/pay/{paying.payment_ref}/", card(SUCCEEDS)).status_code == 404
    assert client.post(f"/pay/{paying.payment_ref}/cancel/").status_code == 404
    assert client.get("/pay/pay_doesnotexist/").status_code == 404
    assert Payment.objects.get().status == "requires_payment"


def test_a_visitor_is_sent_to_sign_in(paying):
    from django.test import Client

    response = Client().get(f"/pay/{paying.payment_ref}/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
