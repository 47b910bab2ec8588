"""/metrics: Prometheus text of contract calls, HTTP requests and business figures, for staff
or a bearer of METRICS_TOKEN only."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from apps.catalog.models import Reservation
from apps.payments.models import Payment
from contracts.catalog.dto import StockLine
from contracts.catalog.errors import OutOfStock, ProductNotFound
from contracts.catalog.service import catalog_service
from contracts.kernel.registry import registry
from microstore import config, context, gunicorn_conf, metrics
from microstore.env import Env, EnvError
from microstore.instrument import InstrumentedService
from microstore.logs import ContextFilter
from microstore.ops import figures
from microstore.ops.readings import this_minute
from microstore.outbox.models import Delivery, OutboxEvent
from microstore.outbox.tasks import requeue_stale_deliveries
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.microstore.ops_data import elsewhere, order, remote_figures, service_tables_in
from tests.microstore.remotes import bound_to, dead_url

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scraper-token-0123456789abcdef"


def scrape(client, **headers) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of /metrics (as staff unless headers say otherwise), parsed by
    prometheus-client's own parser: (name, labels) → value."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def calls(samples, service: str, method: str, outcome: str) -> float:
    return value(
        samples,
        "microstore_contract_calls_total",
        service=service,
        method=method,
        outcome=outcome,
    )


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True))
    return client


def test_a_contract_call_is_counted_and_timed(staff_client):
    before = scrape(staff_client)

    assert catalog_service().get_products(()) == ()

    after = scrape(staff_client)
    assert calls(after, "catalog", "get_products", "ok") == (
        calls(before, "catalog", "get_products", "ok") + 1
    )
    timed = {"service": "catalog", "method": "get_products"}
    assert value(after, "microstore_contract_call_seconds_count", **timed) == (
        value(before, "microstore_contract_call_seconds_count", **timed) + 1
    )


def test_a_contract_error_is_counted_under_its_code_and_raised_unchanged(staff_client):
    before = scrape(staff_client)

    with pytest.raises(ProductNotFound):
        catalog_service().get_product_by_slug("no-such-product")

    after = scrape(staff_client)
    method = "get_product_by_slug"
    assert calls(after, "catalog", method, "product_not_found") == (
        calls(before, "catalog", method, "product_not_found") + 1
    )
    assert calls(after, "catalog", method, "ok") == calls(before, "catalog", method, "ok")


def test_an_oversell_attempt_refused_counts_as_out_of_stock(staff_client):
    product = ProductFactory(stock=1)
    before = scrape(staff_client)

    with pytest.raises(OutOfStock):
        catalog_service().reserve_stock((StockLine(product.pk, 5),), "oversell-1", 600)

    after = scrape(staff_client)
    assert calls(after, "catalog", "reserve_stock", "out_of_stock") == (
        calls(before, "catalog", "reserve_stock", "out_of_stock") + 1
    )
    assert not Reservation.objects.filter(reference="oversell-1").exists()


def test_an_override_answers_unmeasured_and_the_binding_comes_back_after():
    class FakeCatalog:
        def get_products(self, ids):
            return ("fake",)

    fake = FakeCatalog()
    with registry.override("catalog", fake):
        assert catalog_service() is fake
        assert catalog_service().get_products(()) == ("fake",)
    assert isinstance(catalog_service(), InstrumentedService)


def test_the_proxy_keeps_results_and_exceptions_and_names_the_call_in_logs(caplog):
    class Greeter:
        version = "1.0"

        def greet(self, name: str) -> str:
            logging.getLogger("tests.greeter").warning("greeting %s", name)
            return f"hello {name} from {context.contract_call.get()}"

        def fail(self) -> None:
            raise KeyError("boom")

    proxy = InstrumentedService("greeter", Greeter())
    caplog.handler.addFilter(ContextFilter())

    with caplog.at_level(logging.WARNING, logger="tests.greeter"):
        assert proxy.greet("ada") == "hello ada from greeter.greet"
    with pytest.raises(KeyError, match="boom"):
        proxy.fail()

    assert proxy.version == "1.0"
    assert [r.contract_call for r in caplog.records] == ["greeter.greet"]
    assert context.contract_call.get() == "-"
    exceptions = metrics.CONTRACT_CALLS.labels("greeter", "fail", "exception")
    assert exceptions._value.get() >= 1


def test_http_requests_are_counted_by_route_pattern_not_path(staff_client):
    product = ProductFactory()
    before = scrape(staff_client)

    assert staff_client.get(f"/p/{product.slug}/").status_code == 200
    assert staff_client.get("/no/such/page/").status_code == 404
    assert staff_client.get("/").status_code == 200

    after = scrape(staff_client)
    routes = {
        dict(labels)["route"] for name, labels in after if name == "microstore_http_requests_total"
    }
    assert not any(product.slug in route for route in routes)
    detail = {"route": "/p/<slug:slug>/", "method": "GET", "status": "200"}
    assert value(after, "microstore_http_requests_total", **detail) == (
        value(before, "microstore_http_requests_total", **detail) + 1
    )
    missing = {"route": "unmatched", "method": "GET", "status": "404"}
    assert value(after, "microstore_http_requests_total", **missing) == (
        value(before, "microstore_http_requests_total", **missing) + 1
    )
    home = {"route": "/", "method": "GET", "status": "200"}
    assert value(after, "microstore_http_requests_total", **home) == (
        value(before, "microstore_http_requests_total", **home) + 1
    )
    seconds = "microstore_http_request_seconds_count"
    assert value(after, seconds, route="/p/<slug:slug>/") >= 1


def test_the_collector_reads_outbox_tasks_orders_payments_and_reservations(staff_client):
    now = timezone.now()
    event = OutboxEvent.objects.create(
        id=uuid4(),
        event_type="tests.Happened",
        payload={},
        occurred_at=now,
        published_at=now - timedelta(minutes=2),
    )
    Delivery.objects.create(event=event, subscriber="tests.a")
    Delivery.objects.create(event=event, subscriber="tests.b", attempts=3)
    Delivery.objects.create(event=event, subscriber="tests.c", status="dead", attempts=8)
    requeue_stale_deliveries.enqueue()
    order("MS-1", "paid", "30.00")
    order("MS-2", "pending_payment", "5")
    Payment.objects.create(
        payment_ref="pay-1",
        order_ref="MS-2",
        customer_id=1,
        email="ada@example.com",
        amount=Decimal(5),
        currency="EUR",
        status="failed",
        gateway="fake",
        idempotency_key="pay-1",
    )
    Reservation.objects.create(
        reference="r-1", status="released", release_reason="expired", expires_at=now
    )
    Reservation.objects.create(
        reference="r-2", status="released", release_reason="cancelled", expires_at=now
    )

    samples = scrape(staff_client)

    assert value(samples, "microstore_business_metrics_up") == 1
    outbox = "microstore_outbox_deliveries"
    assert value(samples, outbox, status="pending") == 2
    assert value(samples, outbox, status="dead") == 1
    assert value(samples, outbox, status="delivered") == 0
    assert value(samples, "microstore_outbox_retried_deliveries") == 2
    assert 120 <= value(samples, "microstore_outbox_oldest_pending_age_seconds") < 600
    assert value(samples, "microstore_tasks", status="READY") == 1
    assert value(samples, "microstore_tasks", status="FAILED") == 0
    assert value(samples, "microstore_orders", status="paid") == 1
    assert value(samples, "microstore_orders", status="pending_payment") == 1
    assert value(samples, "microstore_orders", status="refunded") == 0
    assert value(samples, "microstore_orders_placed_today") == 2
    assert value(samples, "microstore_revenue_today", currency="EUR") == 30.0
    assert value(samples, "microstore_payments_failed_today") == 1
    assert value(samples, "microstore_orders_paid_today") == 1
    assert value(samples, "microstore_reservations_expired_today") == 1


def test_an_empty_shop_reports_zeros(staff_client):
    samples = scrape(staff_client)
    assert value(samples, "microstore_outbox_oldest_pending_age_seconds") == 0
    assert value(samples, "microstore_outbox_deliveries", status="pending") == 0
    assert value(samples, "microstore_orders", status="paid") == 0
    assert not [key for key in samples if key[0] == "microstore_revenue_today"]


def test_a_failing_database_read_still_answers_with_the_rest(staff_client, monkeypatch, caplog):
    def broken(*args):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(figures, "outbox", broken)
    catalog_service().get_products(())

    with caplog.at_level(logging.ERROR, logger="microstore.metrics"):
        samples = scrape(staff_client)

    assert value(samples, "microstore_business_metrics_up") == 0
    assert calls(samples, "catalog", "get_products", "ok") >= 1
    assert not [key for key in samples if key[0].startswith("microstore_outbox_")]
    assert value(samples, "microstore_orders", status="paid") == 0  # asked of orders: still there
    assert ("microstore_orders_placed_today", frozenset()) in samples
    assert "reading the business figures failed" in caplog.text


def test_the_business_gauges_are_asked_of_each_service_and_read_none_of_its_tables(staff_client):
    order("MS-1", "paid", "30.00")  # a row here that the gauges must not count
    with (
        elsewhere(remote_figures(this_minute())) as services,
        CaptureQueriesContext(connection) as queries,
    ):
        samples = scrape(staff_client)

    assert service_tables_in(queries.captured_queries, "orders", "payments", "catalog") == []
    assert value(samples, "microstore_business_metrics_up") == 1
    assert [value(samples, "microstore_orders", status=s) for s in ("paid", "cancelled")] == [
        900,
        234,
    ]
    assert value(samples, "microstore_orders", status="pending_payment") == 0
    assert value(samples, "microstore_orders_placed_today") == 1234
    assert value(samples, "microstore_orders_paid_today") == 1000
    assert value(samples, "microstore_revenue_today", currency="EUR") == 98765.40
    assert value(samples, "microstore_revenue_today", currency="USD") == 12.0
    assert value(samples, "microstore_payments_failed_today") == 17
    assert value(samples, "microstore_reservations_expired_today") == 5
    since = figures.midnight()
    assert [s.asked for s in services.values()] == [[(since, None)]] * 3  # no minutes asked


def test_asking_for_the_figures_is_not_counted_as_the_shop_working(staff_client):
    scrape(staff_client)
    samples = scrape(staff_client)  # the first scrape asked every service for its figures

    assert [key for key in samples if ("method", "figures") in key[1]] == []


def test_a_service_that_does_not_answer_leaves_out_only_its_gauges(staff_client, caplog):
    Payment.objects.create(
        payment_ref="pay-1", order_ref="MS-2", customer_id=1, email="ada@example.com",
        amount=Decimal(5), currency="EUR", status="failed", gateway="fake", idempotency_key="k",
    )  # fmt: skip

    with bound_to("orders", dead_url()), caplog.at_level(logging.WARNING, "microstore.metrics"):
        samples = scrape(staff_client)

    assert value(samples, "microstore_business_metrics_up") == 0
    names = {name for name, _labels in samples}
    assert not names & {"microstore_orders", "microstore_orders_placed_today",
                        "microstore_orders_paid_today", "microstore_revenue_today"}  # fmt: skip
    assert value(samples, "microstore_payments_failed_today") == 1
    assert ("microstore_reservations_expired_today", frozenset()) in samples
    assert ("microstore_outbox_retried_deliveries", frozenset()) in samples
    assert "business figures missing (unavailable)" in caplog.text


def test_the_token_opens_metrics_without_a_session(client, settings):
    settings.METRICS_TOKEN = TOKEN
    samples = scrape(client, Authorization=f"Bearer {TOKEN}")
    assert value(samples, "microstore_business_metrics_up") == 1


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token-0123456789", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer é"],
)
def test_anonymous_callers_without_the_token_are_refused(client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 403
    assert b"microstore_" not in response.content


def test_no_token_configured_opens_nothing(client, settings):
    settings.METRICS_TOKEN = None
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_a_shopper_is_refused(client):
    client.force_login(UserFactory())
    response = client.get("/metrics")
    assert response.status_code == 403
    assert b"microstore_" not in response.content


def test_staff_may_read_metrics(staff_client):
    response = staff_client.get("/metrics")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert staff_client.post("/metrics").status_code == 405


MULTIPROCESS_CALL = """
import django
django.setup()
from prometheus_client import generate_latest
from microstore import metrics
metrics.observe_contract_call("catalog", "get_products", "ok", 0.01)
if "scrape" in __import__("sys").argv:
    print(generate_latest(metrics.scrape_registry()).decode())
"""


def test_multiprocess_mode_adds_up_every_worker(tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "DJANGO_SETTINGS_MODULE": "microstore.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "DJANGO_LOG_LEVEL": "CRITICAL",
    }

    def run(*args: str) -> str:
        done = subprocess.run(  # noqa: S603  # our own settings, a fixed script
            [sys.executable, "-c", MULTIPROCESS_CALL, *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    run()
    text = run("scrape")

    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert calls(samples, "catalog", "get_products", "ok") == 2
    assert value(samples, "microstore_business_metrics_up") == 0  # no tables in that database


def test_a_worker_that_exits_is_marked_dead(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    (tmp_path / "gauge_livesum_4242.db").write_bytes(b"")
    (tmp_path / "counter_4242.db").write_bytes(b"")

    gunicorn_conf.child_exit(None, SimpleNamespace(pid=4242))

    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_4242.db"]


def test_the_metrics_token_is_optional_but_never_weak():
    assert config.metrics_token(Env({})) is None
    assert config.metrics_token(Env({"METRICS_TOKEN": TOKEN})) == TOKEN
    for weak in ("short", "with a space in it 0123", "ünïcödé-token-0123456789"):
        with pytest.raises(EnvError, match="^METRICS_TOKEN: expected at least 16 ASCII"):
            config.metrics_token(Env({"METRICS_TOKEN": weak}))
