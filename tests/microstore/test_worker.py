"""`manage.py run_worker` drains the queue the outbox fills."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from contracts.kernel.events import Event, publish
from microstore.outbox.models import Delivery

# The real worker closes connections left inside a transaction: run it on committed data.
pytestmark = pytest.mark.django_db(transaction=True)


class DoorbellRang(Event):
    door: str


def test_run_worker_in_batch_mode_delivers_pending_events(subscriber):
    heard: list[str] = []
    subscriber(DoorbellRang, name="tests.doorbell")(lambda e: heard.append(e.door))
    publish(DoorbellRang(door="front"))

    call_command("run_worker", "--batch", "--no-schedule", verbosity=0)

    assert heard == ["front"]
    assert Delivery.objects.get().status == "delivered"
