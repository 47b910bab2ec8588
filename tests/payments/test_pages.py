"""The pay page with Stripe (Payment Element, CSP for this page only), its return page, the
admin refund action and the gateway on /health/."""

from __future__ import annotations

import pytest

from apps.payments.models import Payment, Refund
from tests.payments.conftest import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_payment(client, shopper, stripe_api, open_payment):
    client.force_login(shopper)
    return open_payment("79.90", order_ref="MS-STRP-0001")


def test_the_stripe_pay_page_mounts_the_payment_element(client, stripe_payment):
    response = client.get(f"/pay/{stripe_payment.payment_ref}/")

    page = response.content.decode()
    assert '<script src="https://js.stripe.com/v3/" defer nonce="' in page
    assert "/static/js/payments.js" in page
    assert 'data-client-secret="pi_test0001_secret_abc1"' in page
    assert 'data-public-key="pk_test_123"' in page
    assert f'/pay/{stripe_payment.payment_ref}/done/"' in page
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "https://js.stripe.com" in csp
    assert "frame-src https://js.stripe.com https://hooks.stripe.com" in csp


def test_stripe_is_allowed_on_the_pay_page_only(client, stripe_payment):
    assert "js.stripe.com" not in client.get("/").headers["Content-Security-Policy"]


def test_the_return_page_asks_stripe_and_settles(client, stripe_api, stripe_payment):
    stripe_api.set_intent(stripe_payment.gateway_ref, "succeeded")

    response = client.get(f"/pay/{stripe_payment.payment_ref}/done/?redirect_status=succeeded")

    assert response["Location"] == "/orders/MS-STRP-0001/"
    assert Payment.objects.get().status == "succeeded"
    assert len(published("payments.PaymentSucceeded")) == 1


def test_the_return_page_after_a_failure_shows_it(client, stripe_api, stripe_payment):
    stripe_api.set_intent(stripe_payment.gateway_ref, "requires_payment_method",
                          {"decline_code": "generic_decline", "message": "Declined"})  # fmt: skip

    response = client.get(f"/pay/{stripe_payment.payment_ref}/done/", follow=True)

    assert "Your bank declined the card" in response.content.decode()
    assert Payment.objects.get().status == "requires_payment"  # open, for another card


def test_the_return_page_with_stripe_down_waits_for_the_webhook(client, stripe_api, stripe_payment):
    stripe_api.fail_next("timeout")

    response = client.get(f"/pay/{stripe_payment.payment_ref}/done/")

    assert response.status_code == 302
    assert Payment.objects.get().status == "requires_payment"


def test_the_return_page_is_the_payers_only(client, stripe_payment):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(email="eve@example.com"))
    assert client.get(f"/pay/{stripe_payment.payment_ref}/done/").status_code == 404


ADMIN = "/admin/payments/payment/"


@pytest.fixture
def paid(stripe_api, open_payment):
    payment = open_payment("50.00", order_ref="MS-ADMN-0001")
    stripe_api.set_intent(payment.gateway_ref, "succeeded")
    Payment.objects.filter(pk=payment.pk).update(status="succeeded")
    return payment


def refund_action(admin_client, payment, **data):
    return admin_client.post(ADMIN, {"action": "refund_payment", "_selected_action": payment.pk,
                                     **data}, follow=True)  # fmt: skip


def test_staff_refund_part_then_see_an_error_for_too_much(admin_client, paid):
    form = refund_action(admin_client, paid)
    assert "Refund a payment" in form.content.decode()
    assert form.context["form"]["amount"].value() == paid.amount

    done = refund_action(admin_client, paid, apply="1", amount="20.00", reason="dented",
                         idempotency_key="k" * 32)  # fmt: skip
    again = refund_action(admin_client, paid, apply="1", amount="20.00", reason="dented",
                          idempotency_key="k" * 32)  # fmt: skip  # a double submit
    too_much = refund_action(admin_client, paid, apply="1", amount="30.01", reason="x",
                             idempotency_key="m" * 32)  # fmt: skip

    assert "Refunded €20.00" in done.content.decode()
    assert "Refunded €20.00" in again.content.decode()
    assert "only €30.00 is left to refund" in too_much.content.decode()
    assert Refund.objects.count() == 1
    paid.refresh_from_db()
    assert (paid.status, paid.refunded) == ("partially_refunded", 20)


def test_staff_refund_in_full(admin_client, paid):
    refund_action(admin_client, paid, apply="1", amount="50.00", reason="returned",
                  idempotency_key="f" * 32)  # fmt: skip

    paid.refresh_from_db()
    assert paid.status == "refunded"
    assert published("payments.PaymentRefunded")[0]["fully_refunded"] is True


def test_the_admin_never_shows_the_client_secret(admin_client, paid):
    page = admin_client.get(f"{ADMIN}{paid.pk}/change/").content.decode()

    assert paid.gateway_ref in page
    assert paid.client_secret not in page


def test_health_names_the_active_gateway(client, db):
    body = client.get("/health/?format=json").json()
    assert body["PaymentGateway()"] == "OK"
    page = " ".join(client.get("/health/").content.decode().split())
    assert '<strong>PaymentGateway</strong> <span class="muted"> fake</span>' in page


def test_health_names_stripe_when_configured(client, stripe_api):
    page = " ".join(client.get("/health/").content.decode().split())
    assert '<strong>PaymentGateway</strong> <span class="muted"> stripe</span>' in page


def test_payments_health_reports_the_gateway(stripe_api):
    from contracts.payments.service import payments_service

    assert payments_service().health().detail == "gateway: stripe"


def test_the_stripe_pay_page_shows_the_last_decline_inline(client, stripe_api, stripe_payment):
    stripe_api.set_intent(stripe_payment.gateway_ref, "requires_payment_method",
                          {"decline_code": "generic_decline", "message": "Declined"})  # fmt: skip
    client.get(f"/pay/{stripe_payment.payment_ref}/done/")

    page = client.get(f"/pay/{stripe_payment.payment_ref}/").content.decode()

    assert ('<p id="pay-error" class="form-errors" role="alert"><strong>Card declined.</strong> '
            "Your bank declined the card without giving a reason. Nothing was charged: try "
            "another card.</p>") in page  # fmt: skip
    assert 'data-client-secret="pi_test0001_secret_abc1"' in page  # the same intent, open
    assert published("payments.PaymentFailed") == []


def test_cancelling_a_stripe_payment_cancels_its_intent(client, stripe_api, stripe_payment):
    response = client.post(f"/pay/{stripe_payment.payment_ref}/cancel/")

    assert response["Location"] == "/orders/MS-STRP-0001/"
    assert stripe_api.intents[stripe_payment.gateway_ref]["status"] == "canceled"
    assert Payment.objects.get().status == "canceled"
    assert len(published("payments.PaymentFailed")) == 1


def test_cancelling_a_stripe_payment_paid_meanwhile_follows_stripe(client, stripe_api,
                                                                   stripe_payment):  # fmt: skip
    stripe_api.set_intent(stripe_payment.gateway_ref, "succeeded")

    client.post(f"/pay/{stripe_payment.payment_ref}/cancel/")

    assert Payment.objects.get().status == "succeeded"
    assert published("payments.PaymentFailed") == []
    assert len(published("payments.PaymentSucceeded")) == 1


def test_stripe_down_while_cancelling_changes_nothing(client, stripe_api, stripe_payment):
    stripe_api.fail_next("timeout")

    response = client.post(f"/pay/{stripe_payment.payment_ref}/cancel/", follow=True)

    assert "could not cancel the payment just now" in response.content.decode()
    assert Payment.objects.get().status == "requires_payment"
    assert published("payments.PaymentFailed") == []
