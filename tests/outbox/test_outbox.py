"""The transactional outbox: commit delivers, rollback sends nothing, failures retry then park."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contracts.kernel.events import Event, publish
from microstore import context
from microstore.outbox import delivery as outbox_delivery
from microstore.outbox import schedule
from microstore.outbox.models import Delivery, OutboxEvent, PeriodicJob

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_retries"),
]


class ParcelShipped(Event):
    parcel: str


@pytest.fixture
def fast_retries():
    with override_settings(OUTBOX_BACKOFF_SECONDS=0, OUTBOX_MAX_ATTEMPTS=3):
        yield


def test_an_event_published_in_a_committed_transaction_reaches_every_subscriber(
    subscriber, drain_tasks
):
    seen: dict[str, list[str]] = {"a": [], "b": []}
    subscriber(ParcelShipped, name="tests.first")(lambda e: seen["a"].append(e.parcel))
    subscriber(ParcelShipped, name="tests.second")(lambda e: seen["b"].append(e.parcel))

    with transaction.atomic():
        publish(ParcelShipped(parcel="P-1"))

    drain_tasks()
    assert seen == {"a": ["P-1"], "b": ["P-1"]}
    assert set(Delivery.objects.values_list("subscriber", "status", "attempts")) == {
        ("tests.first", "delivered", 1),
        ("tests.second", "delivered", 1),
    }


def test_a_rolled_back_transaction_sends_nothing(subscriber, drain_tasks):
    seen: list[str] = []
    subscriber(ParcelShipped, name="tests.rollback")(lambda e: seen.append(e.parcel))

    def place_order_that_fails() -> None:
        with transaction.atomic():
            publish(ParcelShipped(parcel="P-2"))
            raise RuntimeError("the order could not be saved")

    with pytest.raises(RuntimeError):
        place_order_that_fails()

    assert drain_tasks() == 0
    assert seen == []
    assert not OutboxEvent.objects.exists()
    assert not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_event_keeps_its_payload_and_the_publishing_request_id(subscriber, drain_tasks):
    received: list[tuple[str, str]] = []
    subscriber(ParcelShipped, name="tests.ctx")(
        lambda e: received.append((e.parcel, context.request_id.get()))
    )
    event = ParcelShipped(parcel="P-3")
    context.request_id.set("req-42")
    publish(event)
    context.request_id.set("-")

    drain_tasks()
    row = OutboxEvent.objects.get()
    assert (row.id, row.event_type, row.payload["parcel"]) == (
        event.event_id, "test_outbox.ParcelShipped", "P-3",
    )  # fmt: skip
    assert received == [("P-3", "req-42")]


def test_a_failing_subscriber_is_retried_then_parked_as_dead(subscriber, drain_tasks):
    calls: list[int] = []

    def always_fails(event: ParcelShipped) -> None:
        calls.append(1)
        raise ConnectionError("smtp down")

    subscriber(ParcelShipped, name="tests.flaky")(always_fails)
    publish(ParcelShipped(parcel="P-4"))

    drain_tasks()
    parked = Delivery.objects.get()
    assert len(calls) == 3
    assert (parked.status, parked.attempts) == ("dead", 3)
    assert "ConnectionError: smtp down" in parked.last_error


def test_a_subscriber_that_recovers_is_delivered_on_a_retry(subscriber, drain_tasks):
    attempts: list[int] = []

    def fails_once(event: ParcelShipped) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise TimeoutError("slow")

    subscriber(ParcelShipped, name="tests.recovers")(fails_once)
    publish(ParcelShipped(parcel="P-5"))
    drain_tasks()

    done = Delivery.objects.get()
    assert (done.status, done.attempts, len(attempts)) == ("delivered", 2, 2)


def test_retries_back_off_exponentially(subscriber):
    subscriber(ParcelShipped, name="tests.backoff")(lambda e: 1 / 0)
    with override_settings(OUTBOX_BACKOFF_SECONDS=10, OUTBOX_BACKOFF_MAX_SECONDS=1000):
        delays = [outbox_delivery.backoff(n).total_seconds() for n in (1, 2, 3, 4, 20)]
        publish(ParcelShipped(parcel="P-6"))
        before = timezone.now()
        outbox_delivery.deliver(Delivery.objects.get().pk)

    assert [10 <= d <= 12 for d in delays[:1]] == [True]
    assert 20 <= delays[1] <= 24
    assert 40 <= delays[2] <= 48
    assert 80 <= delays[3] <= 96
    assert delays[4] <= 1200
    waiting = Delivery.objects.get()
    assert waiting.status == "pending"
    assert waiting.next_attempt_at >= before + timedelta(seconds=10)
    retry = DBTaskResult.objects.filter(status="READY").order_by("-enqueued_at").first()
    assert retry is not None
    assert retry.run_after >= before + timedelta(seconds=10)


def test_staff_replay_a_dead_delivery_from_the_admin_and_it_is_delivered(
    subscriber, drain_tasks, admin_client
):
    healthy = {"now": False}
    seen: list[str] = []

    def handler(event: ParcelShipped) -> None:
        if not healthy["now"]:
            raise ConnectionError("down")
        seen.append(event.parcel)

    subscriber(ParcelShipped, name="tests.replayed")(handler)
    publish(ParcelShipped(parcel="P-7"))
    drain_tasks()
    dead = Delivery.objects.get()
    assert dead.status == "dead"

    listing = admin_client.get(reverse("admin:outbox_delivery_changelist") + "?status__exact=dead")
    assert listing.status_code == 200
    assert b"tests.replayed" in listing.content

    healthy["now"] = True
    response = admin_client.post(
        reverse("admin:outbox_delivery_changelist"),
        {"action": "replay_dead", "_selected_action": [dead.pk]},
        follow=True,
    )
    assert b"1 dead deliveries queued again" in response.content
    drain_tasks()
    dead.refresh_from_db()
    assert (dead.status, seen) == ("delivered", ["P-7"])


def test_replay_leaves_deliveries_that_are_not_dead_alone(subscriber, drain_tasks):
    seen: list[str] = []
    subscriber(ParcelShipped, name="tests.fine")(lambda e: seen.append(e.parcel))
    publish(ParcelShipped(parcel="P-8"))
    drain_tasks()

    assert outbox_delivery.replay(Delivery.objects.values_list("pk", flat=True)) == 0
    assert drain_tasks() == 0
    assert seen == ["P-8"]


def test_a_duplicate_delivery_task_is_harmless(subscriber, drain_tasks):
    seen: list[str] = []
    subscriber(ParcelShipped, name="tests.once")(lambda e: seen.append(e.parcel))
    publish(ParcelShipped(parcel="P-9"))
    delivery = Delivery.objects.get()
    from microstore.outbox.tasks import deliver_event

    deliver_event.enqueue(delivery.pk)  # the same delivery queued twice (at least once)
    drain_tasks()
    assert outbox_delivery.deliver(delivery.pk) == "skipped"
    assert seen == ["P-9"]


def test_an_idempotent_subscriber_handles_the_same_event_twice_without_effect(
    subscriber, drain_tasks
):
    """At least once means a subscriber can see one event twice (a replay after a crash
    between the handler and the bookkeeping); keyed by event_id it changes nothing twice."""
    handled: dict[str, str] = {}
    effects: list[str] = []

    def idempotent(event: ParcelShipped) -> None:
        if str(event.event_id) in handled:
            return
        handled[str(event.event_id)] = event.parcel
        effects.append(event.parcel)

    subscriber(ParcelShipped, name="tests.idempotent")(idempotent)
    publish(ParcelShipped(parcel="P-10"))
    drain_tasks()
    Delivery.objects.update(status="dead")  # as if the bookkeeping were lost
    outbox_delivery.replay(Delivery.objects.values_list("pk", flat=True))
    drain_tasks()

    assert effects == ["P-10"]
    assert Delivery.objects.get().status == "delivered"


def test_lost_tasks_are_requeued_by_the_periodic_sweep(subscriber, drain_tasks):
    seen: list[str] = []
    subscriber(ParcelShipped, name="tests.lost")(lambda e: seen.append(e.parcel))
    publish(ParcelShipped(parcel="P-11"))
    DBTaskResult.objects.all().delete()  # the worker's queue lost the task
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=10))

    assert outbox_delivery.requeue_stale() == 1
    drain_tasks()
    assert seen == ["P-11"]


def test_an_event_with_no_subscribers_is_recorded_without_deliveries(drain_tasks):
    publish(ParcelShipped(parcel="P-12"))
    assert OutboxEvent.objects.count() == 1
    assert not Delivery.objects.exists()
    assert drain_tasks() == 0


def test_the_schedule_enqueues_a_due_job_once_per_interval(drain_tasks):
    jobs = {"outbox.requeue_stale": schedule.JOBS["outbox.requeue_stale"]}
    now = timezone.now()

    assert schedule.tick(now, jobs) == ["outbox.requeue_stale"]
    assert schedule.tick(now + timedelta(seconds=5), jobs) == []  # another worker, same minute
    assert schedule.tick(now + timedelta(minutes=1, seconds=1), jobs) == ["outbox.requeue_stale"]
    assert PeriodicJob.objects.get().next_run_at > now + timedelta(minutes=1)
    assert drain_tasks() == 2


def test_the_default_retries_of_a_delivery_span_hours_before_it_is_parked(settings):
    """An SMTP or subscriber outage of a couple of hours heals on its own: with the defaults
    (20 attempts, 2 s doubling, capped at 900 s) the last try comes about 2 h 47 min after
    the first (up to a fifth later with jitter)."""
    from microstore import settings as defaults

    assert defaults.OUTBOX_MAX_ATTEMPTS == 20
    assert (defaults.OUTBOX_BACKOFF_SECONDS, defaults.OUTBOX_BACKOFF_MAX_SECONDS) == (2, 900)
    with override_settings(OUTBOX_BACKOFF_SECONDS=2, OUTBOX_BACKOFF_MAX_SECONDS=900):
        waits = [outbox_delivery.backoff(n).total_seconds() for n in range(1, 20)]

    assert 10_022 <= sum(waits) <= 10_022 * 1.2


def test_a_services_worker_schedules_its_own_jobs_and_every_processs_own():
    assert schedule.jobs_here("") == schedule.JOBS  # the monolith runs them all
    catalog = schedule.jobs_here("catalog")
    assert "catalog.release_expired" in catalog
    assert not {"orders.expire_unpaid", "payments.reconcile"} & set(catalog)
    assert {"outbox.requeue_stale", "tasks.hand_back", "ops.prune"} <= set(catalog)
    assert set(schedule.jobs_here("notifications")) == {
        "outbox.requeue_stale",
        "tasks.hand_back",
        "ops.prune",
    }
