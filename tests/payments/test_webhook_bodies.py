"""Correctly signed webhooks whose body we cannot use: each is a 400 (or a 200 where Stripe
says to acknowledge and ignore), logged once, and changes nothing."""

from __future__ import annotations

import json
import logging

import pytest
from django.forms.models import model_to_dict

from apps.payments.models import Payment, Refund, WebhookEvent
from tests.payments.conftest import event_types, signed_body

pytestmark = pytest.mark.django_db
REF = "pi_test0001"  # the intent the `payment` fixture opens at the in-memory Stripe


def event(kind="payment_intent.succeeded", obj=None, **top):
    body = {
        "id": "evt_bad_1",
        "object": "event",
        "type": kind,
        "data": {"object": {"id": REF, "object": "payment_intent"} if obj is None else obj},
    }
    body.update(top)
    return json.dumps(body)


def charge(**fields):
    return event(
        "charge.refunded",
        {
            "id": "ch_1",
            "object": "charge",
            "payment_intent": REF,
            "amount_refunded": 7990,
            **fields,
        },
    )


def without(key):
    body = json.loads(event())
    del body[key]
    return json.dumps(body)


NESTED = "[" * 100_000 + "]" * 100_000
UNUSABLE = {
    "a JSON array": "[]",
    "an array of events": f"[{event()}]",
    "a string": '"payment_intent.succeeded"',
    "a number": "42",
    "null": "null",
    "not JSON": '{"id": "evt_1", "type":',
    "nested past the parser's depth": NESTED,
    "an empty object": "{}",
    "no id": without("id"),
    "no type": without("type"),
    "no data": without("data"),
    "an id that is a number": event(id=123),
    "an id that is NaN": event().replace('"evt_bad_1"', "NaN"),
    "an empty id": event(id=""),
    "an id longer than Stripe's": event(id="evt_" + "x" * 300),
    "a type that is a list": event(type=["payment_intent.succeeded"]),
    "data null": event(data=None),
    "data a list": event(data=[{"object": {"id": REF}}]),
    "data without object": event(data={}),
    "data.object a list": event(obj=[]),
    "data.object a string": event(obj=REF),
    "data.object null": event(data={"object": None}),
    "an intent without id": event(obj={"object": "payment_intent", "status": "succeeded"}),
    "an intent id that is a number": event(obj={"id": 7}),
    "an intent id that is empty": event(obj={"id": ""}),
    "a decline that is a string": event(
        "payment_intent.payment_failed", {"id": REF, "last_payment_error": "declined"}
    ),
    "a decline message that is a number": event(
        "payment_intent.payment_failed", {"id": REF, "last_payment_error": {"message": 5}}
    ),
    "a decline code that is a dict": event(
        "payment_intent.payment_failed", {"id": REF, "last_payment_error": {"code": {}}}
    ),
    "a latest charge that is a number": event(obj={"id": REF, "latest_charge": 5}),
    "a refund amount as a string": charge(amount_refunded="7990"),
    "a negative refund amount": charge(amount_refunded=-1),
    "a refund amount that is true": charge(amount_refunded=True),
    "a fractional refund amount": charge(amount_refunded=12.5),
    "no refund amount": charge(amount_refunded=None),
    "a charge's intent that is a number": charge(payment_intent=42),
}


@pytest.fixture
def payment(stripe_api, open_payment):
    payment = open_payment("79.90", order_ref="MS-HOOK-0002")
    assert payment.gateway_ref == REF
    return payment


def snapshot():
    return [model_to_dict(p) | {"updated_at": p.updated_at} for p in Payment.objects.all()]


@pytest.mark.parametrize("body", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_a_signed_body_we_cannot_use_is_400_logged_once_and_changes_nothing(
    client, payment, caplog, body
):
    before = snapshot()

    with caplog.at_level(logging.INFO, logger="apps.payments"):
        response = signed_body(client, body)

    assert response.status_code == 400
    assert snapshot() == before
    assert not WebhookEvent.objects.exists()
    assert not Refund.objects.exists()
    assert event_types() == []
    [record] = [r for r in caplog.records if r.name.startswith("apps.payments")]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("Stripe webhook refused: ")


IGNORED = {
    "an event type we do not handle, without data": json.dumps(
        {"id": "evt_other", "object": "event", "type": "customer.created"}
    ),
    "an event type we do not handle, with odd data": event("customer.created", obj=[1, 2]),
    "an intent that is not ours, without metadata": event(obj={"id": "pi_not_ours"}),
    "a charge without an intent": charge(payment_intent=None),
}


@pytest.mark.parametrize("body", IGNORED.values(), ids=IGNORED.keys())
def test_a_signed_event_we_do_not_act_on_is_acknowledged_and_changes_nothing(
    client, payment, caplog, body
):
    before = snapshot()

    with caplog.at_level(logging.INFO, logger="apps.payments"):
        response = signed_body(client, body)

    assert (response.status_code, response.content) == (200, b"ignored")
    assert snapshot() == before
    assert event_types() == []
    assert len([r for r in caplog.records if r.name.startswith("apps.payments")]) == 1
    again = signed_body(client, body)  # Stripe's retry of the same event: still nothing
    assert (again.status_code, snapshot(), event_types()) == (200, before, [])
