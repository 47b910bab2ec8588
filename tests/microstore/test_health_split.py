"""/health/live answers while the process does; /health/ready names the dependency that fails."""

from __future__ import annotations

import pytest

from contracts.kernel.registry import registry
from contracts.kernel.service import ServiceHealth
from tests.microstore.remotes import closed_port

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_runs_every_check_and_answers_json(client):
    response = client.get("/health/ready", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body.values()) == {"OK"}
    assert set(body) == set(client.get("/health/?format=json").json())


def test_a_mail_server_down_turns_readiness_red_not_liveness(client, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }

    ready = client.get("/health/ready")

    assert ready.status_code == 503
    failing = {check: state for check, state in ready.json().items() if state != "OK"}
    assert list(failing) == ["Mail(alias='default')"]
    assert "Connection refused" in failing["Mail(alias='default')"]
    assert client.get("/health/live").status_code == 200


def test_an_unhealthy_service_turns_readiness_red_naming_it(client):
    class SickCatalog:
        def health(self) -> ServiceHealth:
            return ServiceHealth("catalog", "1.0", ok=False, detail="search index unreachable")

    with registry.override("catalog", SickCatalog()):
        ready = client.get("/health/ready")
        live = client.get("/health/live")

    assert ready.status_code == 503
    body = ready.json()
    assert body["ServiceProbe(service='catalog')"] == (
        "Unavailable: catalog (loopback, in-process): search index unreachable"
    )
    assert body["ServiceProbe(service='payments')"] == "OK"
    assert live.status_code == 200


def test_health_page_for_people_is_unchanged(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_broken_database_url_turns_readiness_red_naming_it(client, monkeypatch):
    from django.db import connection, connections

    # The checks run in threads that open their own connections from these settings; the
    # test's own connection is already open and stays so.
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        monkeypatch.setitem(connections.settings["default"], "PORT", closed_port())
        cause = "connection failed"  # health_check's words; the log has the rest
    else:
        monkeypatch.setitem(connections.settings["default"], "NAME", "/nonexistent/shop.sqlite3")
        cause = "unable to open database file"

    ready = client.get("/health/ready")
    live = client.get("/health/live")

    assert ready.status_code == 503
    database = ready.json()["Database(alias='default')"]
    assert database == f"Unavailable: {cause}"
    assert live.status_code == 200
