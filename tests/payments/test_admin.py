"""The payment's admin page: reached from an order's page by its reference, a view with no Save."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages

from apps.payments.models import Payment
from contracts.payments.service import payments_service

pytestmark = pytest.mark.django_db
ADMIN = "/admin/payments/payment/"


def test_a_payment_is_found_by_its_reference(admin_client, open_payment):
    payment = open_payment(order_ref="MS-ADMN-0002")

    found = admin_client.get(f"{ADMIN}by-ref/{payment.payment_ref}/")
    unknown = admin_client.get(f"{ADMIN}by-ref/pay_nope/")

    assert (found.status_code, found["Location"]) == (302, f"{ADMIN}{payment.pk}/change/")
    assert (unknown.status_code, unknown["Location"]) == (302, ADMIN)
    assert [str(m) for m in get_messages(unknown.wsgi_request)] == ["No payment pay_nope."]


def test_only_staff_may_look_a_payment_up(client, open_payment, shopper):
    payment = open_payment(order_ref="MS-ADMN-0003")
    client.force_login(shopper)

    response = client.get(f"{ADMIN}by-ref/{payment.payment_ref}/")

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/admin/login/")


def test_the_contract_tells_the_gateways_own_reference(open_payment):
    payment = open_payment(order_ref="MS-ADMN-0004")

    assert payment.gateway_ref
    assert payments_service().get_payment("MS-ADMN-0004").gateway_ref == payment.gateway_ref


def test_a_payment_page_has_no_save_and_refuses_a_post(admin_client, open_payment):
    payment = open_payment(order_ref="MS-ADMN-0005")
    url = f"{ADMIN}{payment.pk}/change/"

    page = admin_client.get(url)
    refused = admin_client.post(url, {"status": "succeeded"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert 'name="_continue"' not in page.text
    assert "Requires payment" in page.text  # the status's label, not `requires_payment`
    assert refused.status_code == 403
    assert Payment.objects.get().status == "requires_payment"
    assert not LogEntry.objects.exists()
