"""Client-side contract calls to a remote that is down or too slow: counted and timed per method
under their outcome (`unavailable`, `timeout`) on /metrics, and failures on the ops dashboard,
not refusals like `out_of_stock`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from contracts.catalog.service import catalog_service
from contracts.kernel.errors import TimedOut, Unavailable
from microstore import metrics
from microstore.ops.board import board
from microstore.ops.recorder import recorder
from tests.accounts.factories import UserFactory
from tests.microstore.remotes import bound_to, dead_url, slow_shop

pytestmark = pytest.mark.django_db
CALLS = "microstore_contract_calls_total"
SECONDS = "microstore_contract_call_seconds_count"


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True))
    return client


def scrape(client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def counted(samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def catalog_row_of_the_board():
    """The dashboard's catalog row with the current minute counted as complete."""
    recorder.flush()
    rows = board(timezone.now() + timedelta(minutes=1))["services"]
    return next(row for row in rows if row.probe.service == "catalog")


def test_calls_to_a_remote_that_is_down_count_as_unavailable_failures(staff):
    method = {"service": "catalog", "method": "get_products"}
    before = scrape(staff)

    with bound_to("catalog", dead_url()):
        for _ in range(2):
            with pytest.raises(Unavailable) as raised:
                catalog_service().get_products((1, 2))
            assert type(raised.value) is Unavailable

    after = scrape(staff)
    assert counted(after, CALLS, **method, outcome="unavailable") == (
        counted(before, CALLS, **method, outcome="unavailable") + 2
    )
    assert counted(after, SECONDS, **method) == counted(before, SECONDS, **method) + 2
    assert counted(after, CALLS, **method, outcome="ok") == counted(
        before, CALLS, **method, outcome="ok"
    )
    catalog = catalog_row_of_the_board()
    assert (catalog.stats.calls, catalog.stats.failed, catalog.stats.refused) == (2, 2, 0)
    assert catalog.stats.error_rate == 1.0


def test_a_call_that_times_out_counts_as_a_timeout_failure(staff, settings):
    settings.SERVICE_CALL_TIMEOUT_SECONDS = 0.3
    settings.SERVICE_CALL_RETRIES = 0
    method = {"service": "catalog", "method": "get_products"}
    before = scrape(staff)

    with slow_shop() as url, bound_to("catalog", url), pytest.raises(TimedOut):
        catalog_service().get_products((1,))

    after = scrape(staff)
    assert counted(after, CALLS, **method, outcome="timeout") == (
        counted(before, CALLS, **method, outcome="timeout") + 1
    )
    catalog = catalog_row_of_the_board()
    assert (catalog.stats.failed, catalog.stats.refused) == (1, 0)
    assert catalog.stats.p50 >= 0.25  # it waited for the timeout


@pytest.mark.parametrize(
    ("outcome", "kind"),
    [
        ("ok", "ok"),
        ("exception", "failed"),
        ("unavailable", "failed"),
        ("timeout", "failed"),
        ("gateway_unavailable", "failed"),  # payments' own Unavailable
        ("out_of_stock", "refused"),
        ("product_not_found", "refused"),
        ("no_such_code_anywhere", "refused"),  # a contract error this build does not know
    ],
)
def test_each_outcome_counts_as_what_it_is(outcome, kind):
    assert metrics.outcome_kind(outcome) == kind
