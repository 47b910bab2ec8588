"""Events over real HTTP: notifications bound to the live server's URL, as in the split shop.

The publisher's outbox (this thread, the task worker) posts each delivery to the live server's
`/internal/notifications/events`, whose thread runs the handler, which queues the email as
its own outbox delivery, sent the same way. A delivery that fails stays in the outbox and
arrives once, later; one that keeps failing is parked as dead until staff replay it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from apps.notifications.models import Notification
from contracts.kernel.events import publish
from contracts.orders.events import OrderPlaced
from microstore.outbox import delivery as outbox_delivery
from microstore.outbox.models import Delivery
from microstore.transport import signing
from tests.microstore.remotes import bound_to, dead_url
from tests.notifications.conftest import make_order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_retries(settings: Any) -> None:
    settings.OUTBOX_BACKOFF_SECONDS = 0  # every retry is due at once
    settings.OUTBOX_MAX_ATTEMPTS = 2


def placed() -> Delivery:
    return Delivery.objects.get(subscriber="notifications.order_placed")


def assert_one_email_for(number: str) -> None:
    (row,) = Notification.objects.all()
    assert (row.kind, row.order_number, row.status) == ("order_placed", number, "sent")
    assert [m.subject for m in mail.outbox] == [row.subject]
    sent = Delivery.objects.get(subscriber="notifications.send_email")
    assert (sent.status, sent.attempts) == ("delivered", 1)


def test_an_event_is_handled_once_in_the_subscribers_process_even_when_delivered_twice(
    live_server, drain_tasks
):
    with bound_to("notifications", live_server.url):
        publish(OrderPlaced(order=make_order("MS-3001")))
        drain_tasks()

        assert (placed().status, placed().attempts, placed().last_error) == ("delivered", 1, "")
        assert_one_email_for("MS-3001")

        # The same delivery once more, as when the answer was lost on its way back.
        Delivery.objects.filter(pk=placed().pk).update(status="dead")
        assert outbox_delivery.replay([placed().pk]) == 1
        drain_tasks()

    assert placed().status == "delivered"
    assert_one_email_for("MS-3001")


def _forge_signatures(monkeypatch: pytest.MonkeyPatch) -> None:
    real_sign = signing.sign
    monkeypatch.setattr(
        signing, "sign", lambda secret, **kw: real_sign("not-the-shop-secret-" * 3, **kw)
    )


@pytest.mark.parametrize(
    ("trouble", "error"),
    [("receiver_down", "is unreachable"), ("bad_signature", "answered 401 bad_signature")],
)
def test_a_failed_delivery_stays_in_the_outbox_and_arrives_once_on_a_later_try(
    live_server, drain_tasks, monkeypatch, trouble, error
):
    url = dead_url() if trouble == "receiver_down" else live_server.url
    if trouble == "bad_signature":
        _forge_signatures(monkeypatch)
    with bound_to("notifications", url):
        publish(OrderPlaced(order=make_order("MS-3002")))
        assert outbox_delivery.deliver(placed().pk) == "pending"

    assert (placed().status, placed().attempts) == ("pending", 1)
    assert error in placed().last_error
    assert not Notification.objects.exists()

    monkeypatch.undo()  # the receiver is back, or the key is right again
    with bound_to("notifications", live_server.url):
        drain_tasks()

    assert (placed().status, placed().attempts) == ("delivered", 2)
    assert_one_email_for("MS-3002")


def test_a_delivery_is_dead_after_the_last_attempt_and_staff_replay_it_from_the_admin(
    live_server, drain_tasks, admin_client
):
    with bound_to("notifications", dead_url()):
        publish(OrderPlaced(order=make_order("MS-3003")))
        drain_tasks()

    assert (placed().status, placed().attempts) == ("dead", 2)
    assert not Notification.objects.exists()

    with bound_to("notifications", live_server.url):
        response = admin_client.post(
            reverse("admin:outbox_delivery_changelist"),
            {"action": "replay_dead", "_selected_action": [placed().pk]},
            follow=True,
        )
        assert b"1 dead deliveries queued again" in response.content
        drain_tasks()

    assert (placed().status, placed().attempts) == ("delivered", 1)
    assert_one_email_for("MS-3003")
