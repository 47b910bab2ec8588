"""/health/: explicit checks of the database, cache, storage, mail, task queue and services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contracts.kernel.registry import registry
from contracts.kernel.service import ServiceHealth
from microstore.outbox.tasks import requeue_stale_deliveries

pytestmark = pytest.mark.django_db


def test_health_reports_every_check_as_json(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200
    body = response.json()
    assert set(body.values()) == {"OK"}
    names = " ".join(body)
    for check in ("Database", "Cache", "Storage", "Mail", "TaskQueue", "ServiceProbe"):
        assert check in names
    assert "DNS" not in names
    assert names.count("ServiceProbe") == 6


def test_health_answers_html_for_people(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"All systems normal" in response.content
    assert b"<style" not in response.content  # our stylesheet, no inline CSS for the CSP to block


# The checks run in threads with their own connections: they see committed rows only.
@pytest.mark.django_db(transaction=True)
def test_a_task_backlog_turns_health_red_and_says_why(client):
    requeue_stale_deliveries.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=30))

    response = client.get("/health/?format=json")

    assert response.status_code == 503
    problem = response.json()["TaskQueue()"]
    assert "1 task(s) waiting" in problem
    assert "run_worker" in problem


@pytest.mark.django_db(transaction=True)
def test_a_fresh_task_is_no_backlog(client):
    requeue_stale_deliveries.enqueue()
    assert client.get("/health/?format=json").status_code == 200


def test_an_unhealthy_service_turns_health_red_and_names_it(client):
    class SickPayments:
        def health(self) -> ServiceHealth:
            return ServiceHealth("payments", "1.0", ok=False, detail="gateway unreachable")

    with registry.override("payments", SickPayments()):
        response = client.get("/health/?format=json")

    assert response.status_code == 503
    body = response.json()
    assert body["ServiceProbe(service='payments')"] == (
        "Unavailable: payments (loopback, in-process): gateway unreachable"
    )
    assert body["ServiceProbe(service='catalog')"] == "OK"
