"""Service identity over real HTTP: no way in without the secret, in DEBUG as well.

Every refusal is a 401 problem, and the proof that it did nothing is read from the database:
a refused `catalog.reserve_stock` holds no stock and writes no reservation, a refused
`notifications.queue_account_email` queues no email, a replayed `notifications.resend` queues
nothing again. Each test also sends the untouched request afterwards, which is served: the
refusal was the signature's doing, not a request that would have failed anyway.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from apps.catalog.models import Reservation, Stock
from apps.notifications.models import Notification
from microstore.outbox.models import OutboxEvent
from microstore.transport import signing
from tests.catalog.factories import ProductFactory
from tests.microstore.transport.conftest import Internal, Request, assert_problem

OTHER_SECRET = "a-perfectly-good-secret-of-another-shop-0123456789"


@pytest.fixture(autouse=True, params=[False, True], ids=["DEBUG-off", "DEBUG-on"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    """Every test runs with DEBUG off and on: DEBUG opens no door."""
    settings.DEBUG = request.param
    return bool(request.param)


@pytest.fixture
def mug(over_http: Internal) -> Any:
    return ProductFactory(sku="MUG-1", stock=5)


def reserve(mug: Any, *, quantity: int = 2, reference: str = "sec-ref-1") -> dict[str, Any]:
    lines = [{"product_id": mug.pk, "quantity": quantity}]
    return {"lines": lines, "reference": reference, "ttl_seconds": 600}


def reserve_request(internal: Internal, mug: Any, **options: Any) -> Request:
    return internal.request("catalog", "reserve_stock", reserve(mug), caller="orders", **options)


def assert_nothing_reserved(mug: Any) -> None:
    stock = Stock.objects.get(product=mug)
    assert (stock.on_hand, stock.reserved) == (5, 0)
    assert not Reservation.objects.exists()


def assert_reserved(mug: Any, quantity: int) -> None:
    assert Stock.objects.get(product=mug).reserved == quantity
    assert list(Reservation.objects.values_list("reference", flat=True)) == ["sec-ref-1"]


def without(headers: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in names}


@pytest.mark.parametrize(
    "missing",
    [
        (signing.SIGNATURE, signing.NONCE, signing.TIMESTAMP, signing.CALLER),
        (signing.SIGNATURE,),
        (signing.NONCE,),
        (signing.TIMESTAMP,),
        (signing.CALLER,),
    ],
    ids=["no-headers", "no-signature", "no-nonce", "no-timestamp", "no-caller"],
)
def test_an_unsigned_call_is_refused_and_reserves_nothing(over_http, mug, missing):
    request = reserve_request(over_http, mug)

    refused = over_http.send(replace(request, headers=without(request.headers, *missing)))

    body = assert_problem(refused, 401, "unsigned")
    assert body["instance"] == "/internal/catalog/reserve_stock"
    assert_nothing_reserved(mug)
    assert over_http.send(request).status == 200
    assert_reserved(mug, 2)


def test_a_call_signed_with_another_secret_is_refused_and_reserves_nothing(over_http, mug):
    refused = over_http.send(reserve_request(over_http, mug, secret=OTHER_SECRET))

    assert_problem(refused, 401, "bad_signature")
    assert_nothing_reserved(mug)


def test_a_signature_of_another_scheme_is_refused(over_http, mug):
    request = reserve_request(over_http, mug)
    mac = request.headers[signing.SIGNATURE].partition("=")[2]

    refused = over_http.send(
        replace(request, headers={**request.headers, signing.SIGNATURE: f"v0={mac}"})
    )

    assert_problem(refused, 401, "bad_signature")
    assert_nothing_reserved(mug)


def _body(request: Request) -> Request:
    return replace(request, body=request.body.replace(b'"quantity": 2', b'"quantity": 5'))


def _header(name: str, value: str) -> Any:
    def alter(request: Request) -> Request:
        return replace(request, headers={**request.headers, name: value})

    alter.__name__ = f"_{name}"
    return alter


@pytest.mark.parametrize(
    "alter",
    [
        _body,
        _header(signing.CALLER, "microstore"),  # the root may call anything: still refused
        _header(signing.NONCE, "another-nonce"),
        _header(signing.TIMESTAMP, str(int(time.time()) + 1)),
    ],
    ids=["body", "caller", "nonce", "timestamp"],
)
def test_a_call_altered_after_signing_is_refused_and_changes_nothing(over_http, mug, alter):
    request = reserve_request(over_http, mug)

    refused = over_http.send(alter(request))

    assert_problem(refused, 401, "bad_signature")
    assert_nothing_reserved(mug)
    assert over_http.send(request).status == 200  # a refused copy does not spend the nonce
    assert_reserved(mug, 2)


def test_a_call_signed_for_one_method_and_sent_to_another_is_refused(over_http, mug):
    over_http.post("catalog", "reserve_stock", reserve(mug), caller="orders")
    release = over_http.request("catalog", "release_reservation", {"reference": "sec-ref-1"})

    refused = over_http.send(replace(release, path="/internal/catalog/commit_reservation"))

    assert_problem(refused, 401, "bad_signature")
    stock = Stock.objects.get(product=mug)
    assert (stock.on_hand, stock.reserved) == (5, 2)  # not sold
    assert Reservation.objects.get().status == "active"
    assert over_http.send(release).status == 200  # where it was signed for, it is served
    assert Reservation.objects.get().status == "released"


def test_a_call_signed_for_get_and_sent_as_post_is_refused(over_http, mug):
    request = reserve_request(over_http, mug, http_method="GET")

    refused = over_http.send(replace(request, method="POST"))

    assert_problem(refused, 401, "bad_signature")
    assert_nothing_reserved(mug)


def test_a_lower_caller_cannot_pass_for_a_higher_one(over_http, mug):
    request = over_http.request("catalog", "reserve_stock", reserve(mug), caller="payments")
    forged = replace(request, headers={**request.headers, signing.CALLER: "orders"})

    refused = over_http.send(forged)

    assert_problem(refused, 401, "bad_signature")
    assert_nothing_reserved(mug)


@pytest.mark.parametrize("offset", [-1, +1], ids=["too-old", "from-the-future"])
def test_a_call_signed_outside_the_window_is_refused_and_reserves_nothing(
    over_http, mug, settings, offset
):
    settings.INTERNAL_MAX_AGE_SECONDS = 5
    stale = reserve_request(over_http, mug, now=time.time() + offset * 8)

    body = assert_problem(over_http.send(stale), 401, "stale_signature")

    assert "5s" in body["detail"]
    assert_nothing_reserved(mug)
    inside = reserve_request(over_http, mug, now=time.time() + offset * 3)
    assert over_http.send(inside).status == 200
    assert_reserved(mug, 2)


def test_the_same_signed_request_twice_is_served_once(over_http):
    failed = Notification.objects.create(
        recipient="ada@example.com", kind="order_paid", event_id=uuid.uuid4(),
        event_type="orders.OrderPaid", payload={}, order_number="MS-1", subject="Receipt",
        status="failed", attempts=20, last_error="SMTP refused",
    )  # fmt: skip
    request = over_http.request("notifications", "resend", {"notification_ids": [failed.pk]})

    first = over_http.send(request)
    queued = OutboxEvent.objects.count()
    Notification.objects.filter(pk=failed.pk).update(status="failed", attempts=20)  # fails again
    replayed = over_http.send(request)

    assert (first.status, first.json()) == (200, 1)
    assert queued == 1
    assert_problem(replayed, 401, "replayed")
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("failed", 20)
    assert OutboxEvent.objects.count() == queued


def account_email(recipient: str = "ada@example.com") -> dict[str, Any]:
    return {
        "email": {
            "key": str(uuid.uuid4()),
            "recipient": recipient,
            "subject": "Confirm your address",
            "text": "https://shop.example/confirm/abc",
            "html": "",
        }
    }


@pytest.mark.parametrize(
    "forge",
    [
        lambda r: replace(r, headers=without(r.headers, signing.SIGNATURE)),
        lambda r: replace(r, body=r.body.replace(b"ada@example.com", b"eve@example.com")),
    ],
    ids=["unsigned", "recipient-changed"],
)
def test_a_refused_account_email_queues_nothing(over_http, forge):
    request = over_http.request("notifications", "queue_account_email", account_email())

    refused = over_http.send(forge(request))

    assert refused.status == 401
    assert not Notification.objects.exists()
    assert not OutboxEvent.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert (over_http.send(request).status, Notification.objects.count()) == (200, 1)


def test_a_refused_call_with_another_secret_queues_no_email(over_http):
    refused = over_http.post(
        "notifications", "queue_account_email", account_email(), secret=OTHER_SECRET
    )

    assert_problem(refused, 401, "bad_signature")
    assert not Notification.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_a_refusal_says_why_but_not_how_to_sign(over_http, mug):
    refused = over_http.send(reserve_request(over_http, mug, secret=OTHER_SECRET))

    text = refused.body.decode()
    assert "Traceback" not in text
    assert OTHER_SECRET not in text
    assert set(refused.json()) == {
        "type", "title", "status", "code", "detail", "instance", "request_id",
    }  # fmt: skip
