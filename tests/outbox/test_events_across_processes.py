"""Events delivered to a subscriber's service in another process: what the receiving endpoint
takes and refuses, what the publishing outbox makes of each answer, and how a process knows
its subscribers without importing another service's handlers.

The suite binds every service `loopback`, so every delivery to an app's subscriber already
crosses `POST /internal/<service>/events` in-process; the few tests over real HTTP between
two processes' worth of code are in `test_events_over_http.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from apps.notifications.models import Notification
from contracts import subscriptions
from contracts.directory import CONTRACTS
from contracts.kernel import codec, events
from contracts.kernel.events import Event, publish
from contracts.kernel.methods import methods_of
from contracts.notifications.events import EmailQueued
from contracts.orders.events import OrderCancelled, OrderPaid, OrderPlaced
from contracts.payments.events import PaymentSucceeded
from microstore import bindings, context
from microstore.outbox import delivery as outbox_delivery
from microstore.outbox.bus import subscriber_names
from microstore.outbox.models import Delivery
from microstore.transport import signing
from tests.microstore.remotes import bound_to, dead_url
from tests.microstore.transport.conftest import Internal, assert_problem, signed
from tests.microstore.transport.remote import Remote
from tests.notifications.conftest import make_order

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PATH = "/internal/notifications/events"
PLACED = OrderPlaced(order=make_order("MS-2001"))


@pytest.fixture
def fast_retries():
    with override_settings(OUTBOX_BACKOFF_SECONDS=0, OUTBOX_MAX_ATTEMPTS=3):
        yield


def envelope(of: Event, subscriber: str = "notifications.order_placed", **changes: Any) -> bytes:
    body = {
        "subscriber": subscriber,
        "event_type": of.event_type(),
        "version": of.version,
        "event": codec.encode(of, type(of)),
    }
    return json.dumps({**body, **changes}).encode()


def deliver(body: bytes, *, caller: str = "orders", path: str = PATH, **options: Any) -> Any:
    """One delivery as the publisher's outbox sends it, handed to the server code."""
    return Internal("loopback").send(signed("POST", path, body, caller=caller, **options))


def emails_queued() -> int:
    return Delivery.objects.filter(subscriber="notifications.send_email").count()


# -- the receiving endpoint ----------------------------------------------------------------


def test_a_delivery_runs_the_subscribers_handler_and_says_what_it_handled():
    answer = deliver(envelope(PLACED))

    assert (answer.status, answer.json()) == (
        200,
        {"handled": "notifications.order_placed", "event_id": str(PLACED.event_id)},
    )
    row = Notification.objects.get()
    assert (row.event_id, row.kind, row.order_number) == (
        PLACED.event_id, "order_placed", "MS-2001",
    )  # fmt: skip
    assert emails_queued() == 1


def test_the_same_delivery_received_twice_is_handled_once():
    """A retry after a lost answer, or a replay, carries the same event id: the handler's own
    deduplication keeps one notification and one queued email."""
    first, again = deliver(envelope(PLACED)), deliver(envelope(PLACED))

    assert (first.status, again.status) == (200, 200)
    assert Notification.objects.count() == 1
    assert emails_queued() == 1


def test_a_caller_that_does_not_publish_the_event_is_refused():
    body = assert_problem(deliver(envelope(PLACED), caller="payments"), 403, "delivery_not_allowed")

    assert "from orders only" in body["detail"]
    assert not Notification.objects.exists()


def test_the_composition_root_may_not_deliver_an_apps_event_either():
    assert_problem(deliver(envelope(PLACED), caller="microstore"), 403, "delivery_not_allowed")
    assert not Notification.objects.exists()


def test_an_event_the_subscriber_does_not_take_is_refused():
    """notifications.order_placed takes OrderPlaced, not OrderPaid: no hole for other events."""
    paid = OrderPaid(order=make_order("MS-2002"))

    assert_problem(deliver(envelope(paid)), 403, "delivery_not_allowed")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "subscriber",
    ["payments.order_cancelled", "notifications.not_declared", "tests.anything"],
    ids=["another-services", "undeclared", "not-a-service"],
)
def test_a_subscriber_that_is_not_this_services_own_is_a_404(subscriber):
    cancelled = OrderCancelled(order=make_order(), reason="changed my mind")

    body = assert_problem(deliver(envelope(cancelled, subscriber)), 404, "unknown_subscriber")

    assert subscriber in body["detail"]
    assert not Notification.objects.exists()


def test_an_event_type_this_process_does_not_know_is_a_400():
    body = envelope(PLACED, event_type="orders.OrderTeleported")

    assert_problem(deliver(body), 400, "unknown_event_type")
    assert not Notification.objects.exists()


def test_another_version_of_the_event_is_a_400():
    answer = deliver(envelope(PLACED, version=2))

    assert "version 2" in assert_problem(answer, 400, "unknown_event_version")["detail"]
    assert not Notification.objects.exists()


def test_an_event_that_does_not_fit_its_contract_is_a_400_naming_the_field():
    event = codec.encode(PLACED, OrderPlaced)
    event["order"]["total"] = "a lot"

    body = assert_problem(deliver(envelope(PLACED, event=event)), 400, "invalid_event")

    assert body["errors"][0]["field"].startswith("order.total")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"[]", b'{"subscriber": "notifications.order_placed"}',
     envelope(PLACED, version="1"), envelope(PLACED, extra=1)],
    ids=["empty", "not-json", "a-list", "missing-fields", "version-as-text", "extra-field"],
)  # fmt: skip
def test_a_body_that_is_not_a_delivery_is_a_400(body):
    assert_problem(deliver(body), 400, "malformed_body")
    assert not Notification.objects.exists()


def test_a_delivery_signed_with_another_key_is_a_401_and_handles_nothing():
    answer = deliver(envelope(PLACED), secret="not-the-shop-secret-" * 3)

    assert_problem(answer, 401, "bad_signature")
    assert not Notification.objects.exists()


def test_get_is_a_405_and_a_service_not_served_here_a_404():
    got = Internal("loopback").send(signed("GET", PATH, b"", caller="orders"))
    elsewhere = deliver(envelope(PLACED), path="/internal/warehouse/events")

    assert_problem(got, 405, "method_not_allowed")
    assert_problem(elsewhere, 404, "unknown_service")
    assert not Notification.objects.exists()


def test_no_contract_has_a_method_named_like_the_events_route():
    assert [s for s, c in CONTRACTS.items() if "events" in methods_of(c.protocol)] == []


# -- the publishing side -------------------------------------------------------------------


@pytest.mark.usefixtures("fast_retries")
def test_with_the_loopback_binding_a_delivery_crosses_the_signature_check(drain_tasks, monkeypatch):
    """Proof that the suite's deliveries go through the server code: signed with the wrong
    key they are refused, stay in the outbox, and arrive once the key is right again."""
    real_sign = signing.sign
    monkeypatch.setattr(
        signing, "sign", lambda secret, **kw: real_sign("not-the-shop-secret-" * 3, **kw)
    )
    publish(PLACED)
    delivery = Delivery.objects.get(subscriber="notifications.order_placed")
    assert outbox_delivery.deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert "notifications at loopback answered 401 bad_signature" in delivery.last_error
    assert not Notification.objects.exists()

    monkeypatch.setattr(signing, "sign", real_sign)
    drain_tasks()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert Notification.objects.count() == 1


def test_the_request_is_signed_by_the_publisher_and_carries_its_request_id(
    remote: Remote, drain_tasks
):
    remote.answer(200, {"handled": "notifications.order_placed"})
    context.request_id.set("req-events-1")
    with bound_to("notifications", remote.url):
        publish(PLACED)
        context.request_id.set("-")
        drain_tasks()

    (seen,) = remote.seen
    assert (seen.method, seen.path) == ("POST", PATH)
    assert seen.headers["X-Request-ID"] == "req-events-1"
    caller = signing.verify(
        settings.INTERNAL_SECRET,
        seen.headers,
        method="POST",
        path=PATH,
        body=seen.body,
        max_age=30,
    )
    assert caller == "orders"
    assert json.loads(seen.body) == json.loads(envelope(PLACED))
    assert Delivery.objects.get(subscriber="notifications.order_placed").status == "delivered"


ANSWERS = [
    # (status, code, what becomes of the delivery after one attempt)
    (400, "unknown_event_type", "dead"),
    (400, "invalid_event", "dead"),
    (403, "delivery_not_allowed", "dead"),
    (404, "unknown_subscriber", "dead"),
    (404, "unknown_service", "dead"),
    (401, "bad_signature", "pending"),
    (429, "too_many", "pending"),
    (500, "handler_failed", "pending"),
    (502, "bad_gateway", "pending"),
]


@pytest.mark.parametrize(("status", "code", "outcome"), ANSWERS, ids=[a[1] for a in ANSWERS])
def test_a_refusal_about_the_event_parks_it_at_once_anything_else_is_retried(
    remote: Remote, status, code, outcome
):
    remote.problem(status, code, detail="as the receiver said")
    with bound_to("notifications", remote.url):
        publish(PLACED)
        delivery = Delivery.objects.get(subscriber="notifications.order_placed")
        DBTaskResult.objects.all().delete()  # the tasks publishing queued: run by hand here
        assert outbox_delivery.deliver(delivery.pk) == outcome

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (outcome, 1)
    assert "as the receiver said" in delivery.last_error
    retries = DBTaskResult.objects.filter(status="READY")
    assert retries.count() == (1 if outcome == "pending" else 0)


def test_a_failing_handler_in_the_other_process_is_recorded_with_its_own_error(remote: Remote):
    remote.problem(500, "handler_failed", detail="SMTPServerDisconnected: gone")
    with bound_to("notifications", remote.url):
        publish(PLACED)
        outbox_delivery.deliver(Delivery.objects.get(subscriber="notifications.order_placed").pk)

    error = Delivery.objects.get(subscriber="notifications.order_placed").last_error
    assert error == (
        f"SMTPServerDisconnected: gone (raised by notifications.order_placed in notifications "
        f"at {remote.url})"
    )


@pytest.mark.usefixtures("fast_retries")
def test_a_subscriber_whose_process_never_answers_is_parked_after_the_last_attempt(drain_tasks):
    with bound_to("notifications", dead_url()):
        publish(PLACED)
        drain_tasks()

    parked = Delivery.objects.get(subscriber="notifications.order_placed")
    assert (parked.status, parked.attempts) == ("dead", 3)
    assert "is unreachable" in parked.last_error
    assert not Notification.objects.exists()


# -- who subscribes, without the handlers ---------------------------------------------------


def test_the_declared_table_and_the_loaded_handlers_agree():
    assert bindings.subscription_problems(bindings.FACADES) == []


def test_the_publisher_lists_every_declared_subscriber_with_its_test_subscribers(subscriber):
    subscriber(OrderCancelled, name="tests.audit")(lambda event: None)

    assert subscriber_names(OrderCancelled) == [
        "notifications.order_cancelled",
        "payments.order_cancelled",
        "tests.audit",
    ]
    assert subscriber_names(PaymentSucceeded) == ["orders.payment_succeeded"]
    assert subscriber_names(EmailQueued) == ["notifications.send_email"]


def test_a_handler_missing_from_the_table_stops_start_up(subscriber):
    subscriber(OrderPaid, name="payments.order_paid")(lambda event: None)

    with pytest.raises(ImproperlyConfigured, match=r"payments\.order_paid handles orders\.Order"):
        bindings.load_subscribers(["payments"])


def test_a_handler_declared_for_another_event_is_a_problem(subscriber, monkeypatch):
    wrong = subscriptions.Subscribes("notifications.order_paid", OrderPlaced)
    monkeypatch.setattr(subscriptions, "_BY_NAME", {**subscriptions._BY_NAME, wrong.name: wrong})

    assert bindings.subscription_problems(["notifications"]) == [
        "notifications.order_paid handles orders.OrderPaid: declare it so in "
        "contracts/subscriptions.py"
    ]


def test_a_declared_subscriber_without_a_handler_is_a_problem(monkeypatch):
    ghost = subscriptions.Subscribes("orders.reservation_expired", OrderPlaced)
    monkeypatch.setattr(subscriptions, "SUBSCRIPTIONS", (*subscriptions.SUBSCRIPTIONS, ghost))

    assert bindings.subscription_problems(["orders"]) == [
        "orders.reservation_expired is declared but apps.orders has no handler"
    ]
    assert bindings.subscription_problems(["catalog"]) == []  # not this process's


def test_a_dead_letter_hook_on_another_services_event_is_a_problem(monkeypatch):
    hooked = events.Subscription(
        "payments.order_cancelled", OrderCancelled, lambda e: None, lambda e, error: None
    )
    monkeypatch.setitem(events._SUBSCRIPTIONS, "payments.order_cancelled", hooked)

    assert bindings.subscription_problems(["payments"]) == [
        "payments.order_cancelled has a dead-letter hook on another service's event"
    ]


def test_a_process_that_runs_notifications_elsewhere_never_imports_its_handlers():
    """One real start-up with notifications bound to a URL: its handlers stay unimported, and
    an order event still gets a delivery for each of its subscribers."""
    script = (
        "import sys, django; django.setup()\n"
        "from contracts.orders.events import OrderPlaced\n"
        "from microstore.outbox.bus import subscriber_names\n"
        "print(*(f'apps.{s}.handlers' in sys.modules for s in ('notifications', 'orders')))\n"
        "print(','.join(subscriber_names(OrderPlaced)))\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "microstore.settings",
        "MICROSTORE_SERVICES": json.dumps({"notifications": "http://127.0.0.1:8106"}),
        "MICROSTORE_INTERNAL_SECRET": "a-test-key-of-the-split-shop-0123456789",
    }
    done = subprocess.run(  # noqa: S603  # our own interpreter, a fixed script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "notifications.order_placed"]
