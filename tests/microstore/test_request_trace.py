"""One request id from the HTTP request through every contract call and every outbox delivery
it causes: what ops need to follow a checkout across the log."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from contracts.orders.events import OrderPlaced
from microstore import context
from microstore.outbox.models import OutboxEvent
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db
TRACE = "trace-checkout-1"
ADDRESS = {"full_name": "Ada Lovelace", "line1": "3 Rue de Rivoli", "city": "Paris",
           "postal_code": "75001", "country": "FR"}  # fmt: skip


def contract_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "microstore.instrument"]


def test_the_request_id_follows_contract_calls_and_deliveries(
    client, caplog, subscriber, drain_tasks
):
    shopper = UserFactory()
    mug = ProductFactory(price=Decimal("14.00"), stock=5)
    client.force_login(shopper)
    seen: list[tuple[str, str]] = []
    subscriber(OrderPlaced, name="tests.trace")(
        lambda event: seen.append((event.order.number, context.request_id.get()))
    )
    headers = {"X-Request-ID": TRACE}

    with caplog.at_level(logging.DEBUG, logger="microstore.instrument"):
        added = client.post("/api/v1/cart/items/", {"product_id": mug.pk, "quantity": 1},
                            content_type="application/json", headers=headers)  # fmt: skip
        placed = client.post("/api/v1/orders/", {"address": ADDRESS},
                             content_type="application/json",
                             headers=headers | {"Idempotency-Key": "trace-key-0001"})  # fmt: skip
    assert (added.status_code, placed.status_code) == (201, 201), placed.content
    assert placed["X-Request-ID"] == TRACE

    calls = contract_lines(caplog)
    assert {"catalog.reserve_stock", "payments.start_payment"} <= {r.contract_call for r in calls}
    assert {r.request_id for r in calls} == {TRACE}
    assert {r.route for r in calls} == {"/api/v1/cart/items/", "/api/v1/orders/$"}  # patterns

    context.clear()  # the worker runs later, in another context
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="microstore.instrument"):
        drain_tasks()

    assert seen == [(placed.json()["number"], TRACE)]
    assert set(OutboxEvent.objects.values_list("request_id", flat=True)) == {TRACE}
    during_delivery = contract_lines(caplog)
    assert during_delivery  # the subscribers call services too
    assert {r.request_id for r in during_delivery} == {TRACE}


@task()
def echo_request_id() -> str:
    """A task that answers the request id it ran under."""
    return context.request_id.get()


def test_a_task_runs_under_the_request_id_that_enqueued_it_and_only_that_task(drain_tasks):
    context.request_id.set("trace-task")
    traced = echo_request_id.enqueue()
    context.clear()
    untraced = echo_request_id.enqueue()

    drain_tasks()

    assert DBTaskResult.objects.get(pk=traced.id).args_kwargs["request_id"] == "trace-task"
    assert "request_id" not in DBTaskResult.objects.get(pk=untraced.id).args_kwargs
    assert echo_request_id.get_result(traced.id).return_value == "trace-task"
    assert echo_request_id.get_result(untraced.id).return_value == "-"
    assert context.request_id.get() == "-"  # the worker forgets it after each task
