"""Per-minute samples and error records: gathered in memory, summed across processes."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.db.models import Sum
from django.utils import timezone

from contracts.catalog.service import catalog_service
from microstore import context
from microstore.ops import recorder as recorder_module
from microstore.ops import tasks
from microstore.ops.models import BUCKETS, ErrorRecord, Sample
from microstore.ops.readings import Stats, quantile
from microstore.ops.recorder import Recorder, recorder
from tests.concurrency import race

pytestmark = pytest.mark.django_db
NOON = 29_916_667 * 60.0  # a fixed clock at the start of a minute, whenever the test runs


def quiet(clock: float = NOON) -> Recorder:
    """A recorder like another process's, writing only when told to."""
    return Recorder(background=False, clock=lambda: clock)


def sums(series: str) -> dict[str, int]:
    return Sample.objects.filter(series=series).aggregate(
        calls=Sum("calls"), refused=Sum("refused"), failed=Sum("failed")
    )


def test_two_processes_add_up_in_the_same_minute():
    web, worker = quiet(), quiet(NOON + 30)
    web.observe("catalog.reserve_stock", 0.004)
    web.observe("catalog.reserve_stock", 0.3, "refused")
    worker.observe("catalog.reserve_stock", 12.0, "failed")
    assert web.flush() == 1
    assert worker.flush() == 1

    row = Sample.objects.get(series="catalog.reserve_stock")
    assert (row.calls, row.refused, row.failed) == (3, 1, 1)
    assert row.seconds == pytest.approx(12.304)
    assert (row.b0, row.b6, row.b11) == (1, 1, 1)  # ≤5 ms, ≤500 ms, beyond 10 s
    assert web.flush() == 0  # nothing new: nothing written


def test_requests_and_contract_calls_are_sampled(client):
    client.get("/")
    client.get("/no-such-page/")
    catalog_service().get_products(())
    recorder.flush()

    assert sums("http") == {"calls": 2, "refused": 1, "failed": 0}
    assert sums("catalog.get_products")["calls"] >= 1


def test_a_health_probe_is_not_counted_as_a_call(client):
    client.get("/health/ready")
    recorder.flush()
    assert not Sample.objects.filter(series__endswith=".health").exists()


def test_recording_off_keeps_nothing(settings):
    settings.OPS_FLUSH_SECONDS = 0
    recorder.observe("http", 0.01)
    logging.getLogger("tests.ops").error("not kept")
    assert recorder.flush() == 0


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_writes_soon_and_outside_any_request(settings):
    settings.OPS_FLUSH_SECONDS = 1
    mine = Recorder()  # with its thread
    mine.observe("http", 0.01)
    mine.error({"logged_at": timezone.now(), "level": "ERROR", "logger": "tests", "message": "x"})
    try:
        deadline = time.monotonic() + 10
        while not (Sample.objects.exists() and ErrorRecord.objects.exists()):
            assert time.monotonic() < deadline, "the writer thread wrote nothing in 10 s"
            time.sleep(0.1)
    finally:
        mine.stop()
    assert sums("http")["calls"] == 1


def test_an_error_of_a_request_keeps_its_request(client, settings):
    settings.ROOT_URLCONF = "tests.microstore.problem_urls"
    client.raise_request_exception = False

    response = client.get("/api/v1/test/broken/", headers={"X-Request-ID": "trace-500"})
    recorder.flush()

    assert response.status_code == 500
    error = ErrorRecord.objects.get(request_id="trace-500")
    assert error.route == "/api/v1/test/broken/"
    assert "RuntimeError: a bug" in error.exception
    assert sums("http")["failed"] == 1


def test_a_failed_write_is_kept_for_the_next_flush(monkeypatch, caplog):
    def down(rows):
        raise DatabaseError("server closed the connection")

    recorder.observe("http", 0.02)
    logging.getLogger("tests.ops").error("kept")
    with monkeypatch.context() as patch:
        patch.setattr(recorder_module, "_upsert", down)
        with caplog.at_level(logging.WARNING, logger="microstore.ops.recorder"):
            assert recorder.flush() == 0
    assert "not written (attempt 1)" in caplog.text

    assert recorder.flush() == 2
    assert sums("http")["calls"] == 1
    assert ErrorRecord.objects.get().message == "kept"


def test_errors_the_database_refuses_twice_are_dropped_not_retried_forever(monkeypatch):
    def refuse(rows):
        raise DatabaseError("invalid byte sequence")

    logging.getLogger("tests.ops").error("poison")
    monkeypatch.setattr(recorder_module, "_upsert", refuse)
    assert recorder.flush() == 0
    assert recorder.flush() == 0
    monkeypatch.undo()
    recorder.observe("http", 0.01)
    assert recorder.flush() == 1  # the samples, without the refused error
    assert not ErrorRecord.objects.exists()


def test_a_nul_character_in_a_logged_path_is_stored():
    logging.getLogger("django.request").error("Internal Server Error: /p/%s/", "a\x00b")
    assert recorder.flush() == 1
    assert ErrorRecord.objects.get().message == "Internal Server Error: /p/a\ufffdb/"


def test_errors_keep_their_request_context_and_traceback():
    context.request_id.set("trace-77")
    context.contract_call.set("orders.place_order")
    try:
        raise ValueError("no such warehouse")
    except ValueError:
        logging.getLogger("apps.orders").exception("checkout failed")
    finally:
        context.clear()
        context.contract_call.set("-")
    logging.getLogger("apps.orders").warning("only a warning: not kept")
    recorder.flush()

    error = ErrorRecord.objects.get()
    assert (error.level, error.logger, error.message) == ("ERROR", "apps.orders", "checkout failed")
    assert (error.request_id, error.contract_call) == ("trace-77", "orders.place_order")
    assert "ValueError: no such warehouse" in error.exception


def test_last_errors_lists_the_newest_first_and_filters_by_request():
    for rid in ("req-1", "req-2"):
        context.request_id.set(rid)
        logging.getLogger("apps.payments").error("gateway said no for %s", rid)
    context.clear()

    recorder.flush()
    out = StringIO()
    call_command("last_errors", stdout=out)
    lines = out.getvalue().splitlines()
    assert "gateway said no for req-2" in lines[0]
    assert "request=req-2" in lines[1]

    out = StringIO()
    call_command("last_errors", "--request-id", "req-1", "--json", stdout=out)
    assert out.getvalue().count("\n") == 1
    assert '"request_id": "req-1"' in out.getvalue()


def test_last_errors_says_when_there_are_none_and_refuses_a_bad_limit():
    out = StringIO()
    call_command("last_errors", stdout=out)
    assert out.getvalue().strip() == "No errors logged."
    with pytest.raises(CommandError, match="--limit must be from 1 to 1000"):
        call_command("last_errors", "--limit", "0")


@pytest.mark.parametrize(
    ("buckets", "q", "expected"),
    [
        ([0] * 12, 0.5, None),
        ([10] + [0] * 11, 0.5, 0.0025),  # half way into 0–5 ms
        ([0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0], 0.95, 0.05 + 0.05 * 0.95),
        ([0] * 11 + [3], 0.5, BUCKETS[-1]),  # beyond the last bound: the bound
    ],
)
def test_quantiles_interpolate_inside_the_bucket(buckets, q, expected):
    assert quantile(buckets, q) == (None if expected is None else pytest.approx(expected))


def test_stats_add_up_and_rate_only_failures_as_errors():
    one = Stats(calls=4, refused=1, failed=1, seconds=1.0, buckets=(4,) + (0,) * 11)
    both = one + Stats(calls=6, seconds=0.5, buckets=(0, 6) + (0,) * 10)
    assert (both.calls, both.refused, both.failed) == (10, 1, 1)
    assert both.error_rate == 0.1
    assert Stats().error_rate is None


def test_prune_keeps_two_days_of_samples_and_the_newest_errors(monkeypatch):
    now = timezone.now()
    Sample.objects.create(minute=now - timedelta(hours=49), series="http", calls=1)
    Sample.objects.create(minute=now - timedelta(hours=47), series="http", calls=1)
    ErrorRecord.objects.create(logged_at=now - timedelta(days=15), level="ERROR", logger="x")
    for i in range(4):
        ErrorRecord.objects.create(logged_at=now, level="ERROR", logger="x", message=str(i))
    monkeypatch.setattr(tasks, "MAX_ERRORS", 3)

    assert tasks.prune.call() == 3

    assert Sample.objects.count() == 1
    assert sorted(ErrorRecord.objects.values_list("message", flat=True)) == ["1", "2", "3"]


@pytest.mark.django_db(transaction=True)
def test_processes_flushing_the_same_minute_at_once_lose_nothing(postgres_only):
    series = [f"catalog.m{i}" for i in range(8)]

    def flush(n: int) -> None:
        mine = quiet()  # one per "process"
        for name in series[n % 3 :] + series[: n % 3]:  # each in its own order
            mine.observe(name, 0.01)
        assert mine.flush() == len(series)

    outcomes = race(12, flush)

    assert outcomes == {"ok": 12}
    assert set(Sample.objects.values_list("series", "calls")) == {(s, 12) for s in series}
