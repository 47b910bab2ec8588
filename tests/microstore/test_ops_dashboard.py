"""/ops/: staff only, every panel filled from real rows, HTMX partial, replay and resend."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.notifications.models import Notification
from contracts.kernel.errors import InvalidRequest
from contracts.kernel.registry import registry
from contracts.kernel.service import ServiceHealth
from contracts.notifications.service import notifications_service
from microstore import metrics
from microstore.ops import figures, probes
from microstore.ops.board import CHART_MINUTES
from microstore.ops.readings import this_minute
from microstore.ops.recorder import Recorder, recorder
from microstore.outbox.models import Delivery
from tests.accounts.factories import UserFactory
from tests.microstore.ops_data import (
    elsewhere,
    history,
    order,
    remote_figures,
    service_tables_in,
    trouble,
)
from tests.microstore.remotes import bound_to, dead_url
from tests.orders.fakes import FakePayments

pytestmark = pytest.mark.django_db
OPS = "/ops/"


@pytest.fixture
def busy_shop():
    history()
    order("MS-1", minutes_ago=2)
    order("MS-2", "pending_payment", minutes_ago=3)
    trouble()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(OPS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/ops/")


def test_shoppers_get_403_and_cannot_replay(client):
    client.force_login(UserFactory())
    assert client.get(OPS).status_code == 403
    assert client.post("/ops/deliveries/replay/", {"id": 1}).status_code == 403


def test_staff_see_every_panel(admin_client, busy_shop, django_assert_max_num_queries):
    with django_assert_max_num_queries(26):  # the same with an hour of history or none
        response = admin_client.get(OPS)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert 'hx-trigger="every 10s"' in html
    for text in ("Orders placed", "€30.00", "Requests per minute", "Latency p95",
                 "Orders per minute", "All services healthy", "notifications.on_order_paid",
                 "SMTPServerDisconnected", "Your receipt for MS-1001",
                 "webhook signature check failed twice"):  # fmt: skip
        assert text in html, text
    assert html.count('<svg viewBox="0 0 300 80"') == 3
    assert html.count('<span class="pill pill-ok">OK</span>') == 6


def test_the_services_table_rates_calls_from_the_samples(admin_client):
    last_minute = Recorder(background=False, clock=lambda: time.time() - 60)
    for _ in range(9):
        metrics.observe_contract_call("catalog", "reserve_stock", "ok", 0.004)
    metrics.observe_contract_call("catalog", "reserve_stock", "out_of_stock", 0.2)
    metrics.observe_contract_call("catalog", "reserve_stock", "product_not_found", 0.002)
    metrics.observe_contract_call("catalog", "get_products", "exception", 0.01)
    recorder.flush()  # this minute's: not in the table until the minute is over
    assert admin_client.get(OPS).context["services"][0].stats.calls == 0
    with patch.object(metrics, "recorder", last_minute):
        for _ in range(9):
            metrics.observe_contract_call("catalog", "reserve_stock", "ok", 0.004)
        metrics.observe_contract_call("catalog", "reserve_stock", "out_of_stock", 0.2)
        metrics.observe_contract_call("catalog", "reserve_stock", "product_not_found", 0.002)
        metrics.observe_contract_call("catalog", "get_products", "exception", 0.01)
    last_minute.flush()

    rows = admin_client.get(OPS).context["services"]
    catalog = next(row for row in rows if row.probe.service == "catalog")
    assert (catalog.stats.calls, catalog.stats.refused, catalog.stats.failed) == (12, 2, 1)
    assert catalog.calls_per_minute == pytest.approx(12 / 5)
    assert catalog.stats.error_rate == pytest.approx(1 / 12)
    assert catalog.stats.p50 < 0.005 < catalog.stats.p95
    assert admin_client.get(OPS).context["oversell_refused"] == 2  # out_of_stock only, both minutes


class Sick(FakePayments):
    """Payments whose gateway is away: its probe fails, its figures still answer."""

    def health(self):
        return ServiceHealth("payments", "1.0", ok=False, detail="gateway: stripe unreachable")


def test_an_unhealthy_service_is_named_at_the_top(admin_client):
    with registry.override("payments", Sick()):
        html = admin_client.get(OPS).content.decode()
    assert "Needs attention: payments" in html
    assert "gateway: stripe unreachable" in html
    assert probes.last("payments").ok is False  # remembered for /health/ and the API


def test_htmx_polls_get_only_the_board(admin_client, busy_shop):
    response = admin_client.get(OPS, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="ops-board"')
    assert "<html" not in html


def test_replay_by_htmx_answers_the_refreshed_board(admin_client, busy_shop, drain_tasks):
    dead = Delivery.objects.get(status="dead")

    response = admin_client.post(
        "/ops/deliveries/replay/", {"id": dead.pk}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 dead deliveries queued again." in html
    assert "No dead deliveries." in html
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("pending", 0)


def test_resend_without_javascript_redirects_back(admin_client, busy_shop):
    failed = Notification.objects.get(status="failed")
    response = admin_client.post("/ops/notifications/resend/", {"id": failed.pk})
    assert response.status_code == 302
    assert response["Location"] == OPS
    failed.refresh_from_db()
    assert failed.status == "pending"


@pytest.mark.parametrize("ids", [[], ["abc"], ["999999"], ["-1"], ["²"], ["9" * 40]])
def test_bad_or_unknown_ids_queue_nothing_and_change_nothing(admin_client, busy_shop, ids):
    response = admin_client.post("/ops/deliveries/replay/", {"id": ids}, follow=True)
    assert response.status_code == 200
    assert "0 dead deliveries queued again." in response.content.decode()
    assert Delivery.objects.get().status == "dead"


def test_replay_needs_the_change_permission(client, busy_shop):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(viewer)
    assert client.get(OPS).status_code == 200
    dead = Delivery.objects.get()
    assert client.post("/ops/deliveries/replay/", {"id": dead.pk}).status_code == 403
    assert client.post("/ops/notifications/resend/", {"id": 1}).status_code == 403
    dead.refresh_from_db()
    assert dead.status == "dead"


def test_actions_refuse_get(admin_client):
    assert admin_client.get("/ops/deliveries/replay/").status_code == 405


def test_recent_failures_through_the_contract(busy_shop):
    [failed] = notifications_service().recent_failures(5)
    assert (failed.kind, failed.order_number, failed.attempts) == ("order_paid", "MS-1001", 8)
    with pytest.raises(InvalidRequest):
        notifications_service().recent_failures(0)


def test_an_empty_shop_costs_the_same_queries(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(26):
        response = admin_client.get(OPS)
    assert "No dead deliveries." in response.content.decode()
    assert "nothing recorded in the last 60 minutes" in response.content.decode()


def test_a_poll_after_the_session_ended_reloads_the_page_to_sign_in(client):
    response = client.get(OPS, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=/ops/")


def test_actions_need_the_csrf_token(busy_shop):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory(is_staff=True, is_superuser=True))
    dead = Delivery.objects.get()
    assert browser.post("/ops/deliveries/replay/", {"id": dead.pk}).status_code == 403
    dead.refresh_from_db()
    assert dead.status == "dead"


def test_the_figures_are_asked_of_each_service_and_no_table_of_theirs_is_read(admin_client):
    order("MS-1", minutes_ago=2)  # a row here that the board must not count
    minute = this_minute() - timedelta(minutes=2)
    with elsewhere(remote_figures(minute)) as services, CaptureQueriesContext(connection) as seen:
        response = admin_client.get(OPS)

    assert service_tables_in(seen.captured_queries, "orders", "payments", "catalog") == []
    html = response.content.decode()
    for text in ("<dd>1,234</dd>", "<dd>1,000</dd>", "€98,765.40", "$12.00", "<dd>17</dd>",
                 "<dd>5</dd>", "All services healthy"):  # fmt: skip
        assert text in html, text
    assert "Figures missing" not in html
    orders_chart = response.context["charts"][2]
    assert (orders_chart.title, orders_chart.latest, orders_chart.peak) == (
        "Orders per minute",
        "0",
        "7",
    )
    since = figures.midnight()
    (asked,) = services["orders"].asked
    assert asked == (since, this_minute() - timedelta(minutes=CHART_MINUTES))
    assert services["payments"].asked == services["catalog"].asked == [(since, None)]


def test_with_orders_down_the_board_shows_every_other_figure(admin_client, caplog):
    with (
        elsewhere(
            {name: s for name, s in remote_figures(this_minute()).items() if name != "orders"}
        ),
        bound_to("orders", dead_url()),
        caplog.at_level(logging.WARNING, "microstore.ops.figures"),
    ):
        response = admin_client.get(OPS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Figures missing: orders did not answer" in html
    assert "Needs attention: orders" in html  # its probe failed too
    unknown = '<span class="visually-hidden">not known</span>'
    assert html.count(unknown) == 3  # placed, paid, revenue
    assert ("<dd>17</dd>" in html, "<dd>5</dd>" in html) == (True, True)  # payments, catalog
    orders_chart = response.context["charts"][2]
    assert (orders_chart.line, orders_chart.latest) == ("", "–")
    assert "figures: orders did not answer (unavailable)" in caplog.text


def test_with_notifications_down_the_board_says_so_instead_of_the_failed_emails(admin_client):
    with bound_to("notifications", dead_url()):
        response = admin_client.get(OPS)

    assert response.status_code == 200
    assert "Not known: notifications did not answer." in response.content.decode()
