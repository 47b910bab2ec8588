"""The fake gateway (no STRIPE keys): Stripe's three test cards on our own pay page."""

from __future__ import annotations

import pytest

from apps.payments.models import Payment
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


@pytest.mark.parametrize(("number", "code", "text"), [
    (DECLINED, "generic_decline", "declined the card"),
    (NO_FUNDS, "insufficient_funds", "does not have enough funds"),
])  # fmt: skip
def test_declines_publish_payment_failed_and_explain(client, paying, number, code, text):
    response = client.post(f"/pay/{paying.payment_ref}/", card(number), follow=True)

    paying.refresh_from_db()
    assert (paying.status, paying.decline_code) == ("failed", code)
    [event] = published("payments.PaymentFailed")
    assert event["decline_code"] == code
    page = response.content.decode()
    assert "The payment did not go through" in page
    assert text in page
    assert 'action="/orders/MS-PAYS-0001/retry-payment/"' in page
    assert event_types() == ["payments.PaymentFailed"]


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


def test_a_declined_payment_cannot_be_paid_on_the_same_page(client, paying):
    client.post(f"/pay/{paying.payment_ref}/", card(DECLINED))
    client.post(f"/pay/{paying.payment_ref}/", card(SUCCEEDS))

    paying.refresh_from_db()
    assert paying.status == "failed"  # a retry opens a new payment through orders
    assert published("payments.PaymentSucceeded") == []


def test_another_shoppers_payment_is_a_404(client, paying):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(email="eve@example.com"))

    assert client.get(f"/pay/{paying.payment_ref}/").status_code == 404
    assert client.post(f"/pay/{paying.payment_ref}/", card(SUCCEEDS)).status_code == 404
    assert client.get("/pay/pay_doesnotexist/").status_code == 404
    assert Payment.objects.get().status == "requires_payment"


def test_a_visitor_is_sent_to_sign_in(paying):
    from django.test import Client

    response = Client().get(f"/pay/{paying.payment_ref}/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
