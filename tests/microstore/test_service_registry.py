"""The service registry as ops see it: each binding's transport and address, the remote's
contract version, build and probe time on /health/, /api/v1/services/ and /ops/; a remote that
is down or speaks another major version turns readiness red naming it."""

from __future__ import annotations

import pytest
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

from contracts.directory import CONTRACTS
from contracts.kernel.registry import registry
from tests.microstore.remotes import (
    FOREIGN_BUILD,
    FOREIGN_CONTRACT,
    bound_to,
    dead_url,
    foreign_shop,
)

pytestmark = pytest.mark.django_db
CART_CHECK = "ServiceProbe(service='cart')"
ORDERS_CHECK = "ServiceProbe(service='orders')"


def failing(body: dict[str, str]) -> dict[str, str]:
    return {check: state for check, state in body.items() if state != "OK"}


def test_each_binding_names_its_transport_and_address():
    assert {(b.transport, b.address) for b in registry.bindings().values()} == {
        ("loopback", "in-process")
    }
    url = dead_url()
    with bound_to("cart", url + "/"):
        cart = registry.bindings()["cart"]
        assert (cart.kind, cart.transport, cart.address, cart.remote) == (
            url + "/",
            "http",
            url,
            True,
        )
    assert registry.bindings()["cart"].transport == "loopback"


def test_staff_see_each_service_with_its_address_version_build_and_probe(admin_client):
    rows = {row["service"]: row for row in admin_client.get("/api/v1/services/").json()}

    assert set(rows) == set(settings.SERVICE_NAMES)
    for name, row in rows.items():
        assert row["transport"] == "loopback"
        assert row["address"] == "in-process"
        assert (row["version"], row["build"], row["ok"]) == (
            CONTRACTS[name].version, settings.MICROSTORE_BUILD, True,
        )  # fmt: skip
        assert row["checked_at"]
        assert 0 < row["seconds"] < 5


def services(client, admin_user) -> dict[str, dict[str, object]]:
    """/api/v1/services/ by service, as staff. (Signed in only after the health checks, which
    run in threads: on SQLite a user written in the test's transaction would lock them out.)"""
    client.force_login(admin_user)
    return {row["service"]: row for row in client.get("/api/v1/services/").json()}


def test_a_remote_where_nothing_listens_turns_readiness_red_naming_it(client, django_user_model):
    with bound_to("cart", dead_url()) as url:
        ready = client.get("/health/ready")
        html = client.get("/health/").content.decode()
        rows = services(client, django_user_model.objects.create_superuser("ops@example.com"))

    assert ready.status_code == 503
    problems = failing(ready.json())
    assert set(problems) == {CART_CHECK}, problems
    assert problems[CART_CHECK].startswith(f"Unavailable: cart (http, {url}): unreachable at {url}")
    cart = rows["cart"]
    assert (cart["transport"], cart["address"], cart["ok"]) == ("http", url, False)
    assert (cart["version"], cart["build"]) == ("?", "?")
    assert "unreachable" in cart["detail"]
    assert rows["catalog"]["ok"] is True
    # The page for people labels the check with the binding and its address.
    assert "Something needs attention" in html
    assert f'<span class="muted"> {url}</span>' in html


def test_a_remote_on_another_major_version_turns_readiness_red_saying_so(client, django_user_model):
    with foreign_shop() as url, bound_to("orders", url):
        ready = client.get("/health/ready")
        rows = services(client, django_user_model.objects.create_superuser("ops@example.com"))

    assert ready.status_code == 503
    problems = failing(ready.json())
    assert set(problems) == {ORDERS_CHECK}
    assert problems[ORDERS_CHECK] == (
        f"Unavailable: orders (http, {url}): {url} speaks contract {FOREIGN_CONTRACT}, this shop "
        f"needs 1.x (build {FOREIGN_BUILD})"
    )
    orders = rows["orders"]
    assert (orders["transport"], orders["address"], orders["ok"]) == ("http", url, False)
    assert (orders["version"], orders["build"]) == (FOREIGN_CONTRACT, FOREIGN_BUILD)


def test_openmetrics_labels_each_service_check_with_its_address(client):
    with bound_to("cart", dead_url()) as url:
        response = client.get("/health/?format=openmetrics")

    statuses = {
        sample.labels["service"]: (
            sample.labels["transport"],
            sample.labels["address"],
            sample.value,
        )
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
        if sample.name == "django_health_check_status" and sample.labels.get("service")
    }
    assert statuses["cart"] == ("http", url, 0)
    assert statuses["catalog"] == ("loopback", "in-process", 1)


def test_the_dashboard_lists_each_address_version_build_and_the_failing_remote(admin_client):
    with (
        foreign_shop() as foreign,
        bound_to("orders", foreign),
        bound_to("cart", dead_url()) as dead,
    ):
        html = admin_client.get("/ops/").content.decode()

    assert "Needs attention: cart, orders" in html
    for address in (foreign, dead, "in-process"):
        shown = address.replace("://", "://<wbr>")  # breakable after the scheme only
        assert f'<span class="ops-sub ops-address muted small mono">{shown}</span>' in html
    for contract, build in ((FOREIGN_CONTRACT, FOREIGN_BUILD), ("1.0", settings.MICROSTORE_BUILD)):
        assert (
            f'contract <span class="mono">{contract}</span></span> · '
            f'<span class="ops-keep">build <span class="mono">{build}</span>'
        ) in html
    assert f"unreachable at {dead}" in html
    assert html.count('<span class="pill pill-bad">Failing</span>') == 2
    assert html.count('<span class="pill pill-ok">OK</span>') == 4
