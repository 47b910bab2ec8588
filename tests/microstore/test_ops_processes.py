"""/ops/ and `last_errors` across the processes of the split: each process answers its own
readings, errors and replays over the transport (ROOT only), and the front gathers them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from microstore.ops import board, probes, processes, views
from microstore.ops.models import ErrorRecord
from microstore.outbox.models import Delivery
from microstore.transport.server import PREFIX, Incoming, dispatch
from tests.microstore.ops_data import trouble
from tests.microstore.remotes import bound_to, dead_url, split_process
from tests.microstore.transport.conftest import signed

pytestmark = pytest.mark.django_db
OPS = "/ops/"


def ask_here(path: str, method: str = "GET", body: bytes = b"", caller: str = "microstore"):
    request = signed(method, path, body, caller=caller)
    reply = dispatch(Incoming(request.method, request.path, request.headers, request.body))
    return reply.status, json.loads(reply.body)


# -- the answering side ----------------------------------------------------------------------


def test_a_process_answers_its_own_readings_to_the_root_only():
    trouble()

    status, view = ask_here(f"{PREFIX}orders/ops/readings")

    assert status == 200
    assert view["service"] == "microstore"  # the monolith's name; a role's in the split
    assert view["outbox"]["deliveries"]["dead"] == 1
    assert [row["subscriber"] for row in view["dead"]] == ["notifications.on_order_paid"]
    assert view["errors_logged"] == 1
    assert set(view["requests"]) == {"calls", "refused", "failed", "seconds", "buckets"}
    assert ask_here(f"{PREFIX}orders/ops/readings", caller="orders")[1]["code"] == (
        "call_not_allowed"
    )


@pytest.mark.parametrize(
    ("path", "method", "body", "status", "code"),
    [
        (f"{PREFIX}orders/ops/readings", "POST", b"{}", 405, "method_not_allowed"),
        (f"{PREFIX}orders/ops/nothing", "GET", b"", 404, "unknown_method"),
        (f"{PREFIX}shipping/ops/readings", "GET", b"", 404, "unknown_service"),
        (f"{PREFIX}orders/ops/errors", "POST", b"[1]", 400, "invalid_arguments"),
        (f"{PREFIX}orders/ops/errors", "POST", b'{"limit": 0}', 400, "invalid_arguments"),
        (f"{PREFIX}orders/ops/errors", "POST", b"{not json", 400, "invalid_arguments"),
        (f"{PREFIX}orders/ops/replay", "POST", b'{"ids": ["1"]}', 400, "invalid_arguments"),
        (f"{PREFIX}orders/ops/replay", "POST", b'{"ids": [9e99]}', 400, "invalid_arguments"),
        (
            f"{PREFIX}orders/ops/replay",
            "POST",
            b'{"ids": [99999999999999999999]}',
            400,
            "invalid_arguments",
        ),
    ],
)
def test_bad_ops_requests_are_problems_not_500s(path, method, body, status, code):
    answered, problem = ask_here(path, method, body)
    assert (answered, problem["code"]) == (status, code)


def test_an_unsigned_ops_request_is_refused(client):
    response = client.get(f"{PREFIX}orders/ops/readings")
    assert response.status_code == 401
    assert response.json()["code"] == "unsigned"


def test_readings_errors_and_replay_round_trip_through_the_transport(drain_tasks):
    """The asking side against the answering side (the loopback binding of the suite)."""
    trouble()
    dead = Delivery.objects.get(status="dead")

    view = processes.remote_view("orders")
    rows = processes.ask("orders", processes.ERRORS, {"request_id": "", "limit": 5})["errors"]
    replayed = processes.replay_remote("orders", [dead.pk])

    assert view.outbox.deliveries["dead"] == 1
    assert view.dead[0].id == dead.pk
    assert [row["message"] for row in rows] == ["webhook signature check failed twice"]
    assert replayed == 1
    dead.refresh_from_db()
    assert dead.status in ("pending", "delivered")


# -- the front: /ops/ with services in processes of their own ------------------------------


def readings(**changes: object) -> dict[str, object]:
    """What a healthy payments process answers, as `processes.view` builds it."""
    return {
        "service": "payments", "build": "split-build-1", "process": "pay-host:41",
        "minutes": 5, "errors_logged": 3,
        "requests": {"calls": 50, "refused": 2, "failed": 5, "seconds": 1.5,
                     "buckets": [40, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0]},
        "outbox": {"deliveries": {"pending": 0, "running": 0, "delivered": 9, "dead": 1},
                   "retried": 1, "oldest_pending_seconds": 0.0, "tasks": {"READY": 0}},
        "dead": [{"id": 77, "event_type": "payments.PaymentSucceeded",
                  "subscriber": "orders.on_payment_succeeded", "attempts": 8,
                  "request_id": "req-pay-1", "last_error": "orders is unreachable"}],
    } | changes  # fmt: skip


def test_a_service_in_its_own_process_is_rated_by_that_process(admin_client):
    with split_process({"readings": readings()}) as url, bound_to("payments", url):
        response = admin_client.get(OPS)

    payments = next(row for row in response.context["services"] if row.probe.service == "payments")
    assert payments.probe.ok
    assert (payments.probe.transport, payments.probe.build) == ("http", "split-build-1")
    assert (payments.stats.calls, payments.stats.failed) == (50, 5)
    assert payments.stats.error_rate == pytest.approx(0.1)
    assert payments.stats.p50 < 0.005 < payments.stats.p95
    html = response.content.decode()
    assert "pay-host:41" in html
    assert "orders.on_payment_succeeded" in html  # its dead delivery, with a replay button
    assert 'name="service" value="payments"' in html
    assert "All services healthy" in html


@pytest.mark.django_db(transaction=True)
def test_the_board_asks_a_real_process_over_http(live_server, admin_client):
    """The whole path over a socket: the client signs, the live server's `/internal/` view
    checks and answers, the board reads it (the live server stands for payments' process)."""
    trouble()
    with bound_to("payments", live_server.url):
        response = admin_client.get(OPS)

    payments = next(row for row in response.context["services"] if row.probe.service == "payments")
    assert (payments.probe.ok, payments.probe.transport) == (True, "http")
    assert payments.process is not None
    assert payments.process.outbox.deliveries["dead"] == 1
    assert payments.process.dead[0].subscriber == "notifications.on_order_paid"
    assert payments.process.errors_logged == 1


def test_a_stopped_process_is_red_on_the_next_refresh(admin_client):
    """Its probe is remembered as healthy, yet the next refresh names it failing: the board asks
    each process for its readings on every draw, and one that does not answer is red."""
    assert board.PROBE_MAX_AGE + views.REFRESH_SECONDS < 30  # and a probe alone within 30 s

    with split_process({"readings": readings()}) as url, bound_to("payments", url):
        assert "All services healthy" in admin_client.get(OPS).content.decode()
        assert probes.last("payments").ok
    with bound_to("payments", url):  # the server is gone: nothing listens there any more
        response = admin_client.get(OPS, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "Needs attention: payments" in html
    payments = next(row for row in response.context["services"] if row.probe.service == "payments")
    assert not payments.probe.ok
    assert url.removeprefix("http://") in payments.probe.detail
    assert probes.last("payments").ok is False  # /health/ and the API agree


def test_a_process_answering_health_but_not_readings_is_red_naming_why(admin_client):
    with split_process({}) as url, bound_to("payments", url):
        response = admin_client.get(OPS)
    payments = next(row for row in response.context["services"] if row.probe.service == "payments")
    assert not payments.probe.ok
    assert "answered HTTP 404 unknown_method" in payments.probe.detail


def test_staff_replay_a_dead_delivery_of_another_process(admin_client):
    answers = {"readings": readings(), "replay": {"replayed": 1}}
    with split_process(answers) as url, bound_to("payments", url):
        response = admin_client.post(
            "/ops/deliveries/replay/", {"service": "payments", "id": 77}, follow=True
        )

    assert "1 dead deliveries of payments queued again." in response.content.decode()
    posted = [body for method, path, body in answers["asked"] if path.endswith("/ops/replay")]
    assert [json.loads(body) for body in posted] == [{"ids": [77]}]


def test_replaying_in_a_service_that_is_not_elsewhere_is_a_400(admin_client):
    response = admin_client.post("/ops/deliveries/replay/", {"service": "payments", "id": 1})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_service"


def test_a_replay_that_cannot_reach_its_process_says_so(admin_client):
    with bound_to("payments", dead_url()):
        response = admin_client.post(
            "/ops/deliveries/replay/", {"service": "payments", "id": 1}, follow=True
        )
    assert response.status_code == 200
    assert "Nothing replayed: payments at http://127.0.0.1:" in response.content.decode()


# -- logs ------------------------------------------------------------------------------------


def test_last_errors_follows_one_request_across_every_process():
    now = timezone.now()
    ErrorRecord.objects.create(
        logged_at=now - timedelta(seconds=5), level="ERROR", logger="apps.orders.checkout",
        message="payment did not answer", request_id="req-42",
    )  # fmt: skip
    ErrorRecord.objects.create(
        logged_at=now, level="ERROR", logger="x", message="another request", request_id="req-1"
    )
    remote = {
        "errors": {
            "errors": [
                {"logged_at": (now - timedelta(seconds=9)).isoformat(), "service": "payments",
                 "level": "ERROR", "logger": "apps.payments.gateway", "message": "stripe timed out",
                 "request_id": "req-42", "process": "pay-host:41"},
            ]
        }
    }  # fmt: skip
    out, err = StringIO(), StringIO()
    with (
        split_process(remote) as url,
        bound_to("payments", url),
        bound_to("notifications", dead_url()),
    ):
        call_command("last_errors", "--request-id", "req-42", stdout=out, stderr=err)

    lines = [line for line in out.getvalue().splitlines() if not line.startswith("    ")]
    assert [line.split(" ", 3)[2:] for line in lines] == [
        ["payments", "ERROR apps.payments.gateway: stripe timed out"],
        ["microstore", "ERROR apps.orders.checkout: payment did not answer"],
    ]
    assert "process=pay-host:41" in out.getvalue()
    assert "Not included: notifications at http://127.0.0.1:" in err.getvalue()
    asked = [json.loads(body) for method, path, body in remote["asked"] if method == "POST"]
    assert asked == [{"request_id": "req-42", "limit": 20}]


def test_log_lines_carry_the_service_of_the_process():
    """MICROSTORE_ROLE names the service on every line (read before Django is set up, as
    gunicorn configures logging first)."""
    script = (
        "import logging, sys\n"
        "from microstore.logs import ContextFilter, JsonFormatter\n"
        "handler = logging.StreamHandler(sys.stdout)\n"
        "handler.addFilter(ContextFilter()); handler.setFormatter(JsonFormatter())\n"
        "log = logging.getLogger('t'); log.addHandler(handler); log.error('boom')\n"
    )
    lines = {}
    for role in ("orders", ""):
        env = {**os.environ, "MICROSTORE_ROLE": role}
        done = subprocess.run(  # noqa: S603  # this interpreter, a fixed script
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        lines[role] = json.loads(done.stdout)
    assert lines["orders"]["service"] == "orders"
    assert lines[""]["service"] == "microstore"
    assert lines["orders"]["request_id"] == "-"
