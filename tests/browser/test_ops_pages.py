"""/ops/ and /health/ in Chromium: both themes, phone and desktop, polling and replay by HTMX."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from microstore.ops import views
from microstore.outbox.models import Delivery
from tests.accounts.factories import UserFactory
from tests.browser.conftest import SCREENSHOTS
from tests.microstore.ops_data import history, order, trouble
from tests.microstore.remotes import bound_to, dead_url, foreign_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(live_server, page):
    """`page` signed in as a superuser (session cookie from the test client)."""
    user = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.fixture
def busy_shop():
    history()
    for i, minutes_ago in enumerate((1, 3, 3, 8, 15, 16, 30, 42, 55)):
        order(f"MS-{1000 + i}", "paid" if i % 3 else "pending_payment", minutes_ago=minutes_ago)
    trouble()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_dashboard_at_phone_and_desktop_width(
    live_server, staff_page, busy_shop, shot, csp_violations, width, scheme
):
    page = staff_page
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + "/ops/")

    expect(page.get_by_role("heading", name="Operations")).to_be_visible()
    expect(page.locator(".ops-chart svg")).to_have_count(3)
    expect(page.get_by_text("All services healthy")).to_be_visible()
    expect(page.get_by_role("button", name="Replay")).to_be_visible()
    expect(page.get_by_role("button", name="Send again")).to_be_visible()
    expect(page.get_by_text("webhook signature check failed twice")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    assert csp_violations == []
    shot(f"ops-{width}-{scheme}")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_health_page_at_phone_and_desktop_width(live_server, page, shot, width, scheme):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + "/health/")
    expect(page.get_by_role("heading", name="Shop status")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(f"health-{width}-{scheme}")


def test_the_dashboard_polls_by_itself(live_server, staff_page, monkeypatch):
    monkeypatch.setattr(views, "REFRESH_SECONDS", 1)
    page = staff_page
    page.goto(live_server.url + "/ops/")
    page.evaluate("window.__samePage = true")
    with page.expect_response(
        lambda r: r.url.endswith("/ops/") and "hx-request" in r.request.headers
    ):
        pass  # the board asks again by itself
    expect(page.locator("#ops-board")).to_have_count(1)  # swapped in place, not nested
    assert page.evaluate("window.__samePage") is True  # no reload


def test_replay_redraws_the_board_without_a_reload(live_server, staff_page, busy_shop):
    page = staff_page
    page.goto(live_server.url + "/ops/")
    page.evaluate("window.__samePage = true")

    page.get_by_role("button", name="Replay").click()

    expect(page.get_by_text("1 dead deliveries queued again.")).to_be_visible()
    expect(page.get_by_text("No dead deliveries.")).to_be_visible()
    assert not Delivery.objects.filter(status="dead").exists()
    assert page.evaluate("window.__samePage") is True  # no reload


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_services_panel_names_each_address_and_what_fails(
    live_server, staff_page, shot, width, scheme
):
    page = staff_page
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)

    with foreign_shop() as foreign, bound_to("orders", foreign), bound_to("cart", dead_url()):
        page.goto(live_server.url + "/ops/")
        panel = page.locator(".ops-services")
        expect(page.get_by_text("Needs attention: cart, orders")).to_be_visible()
        expect(panel.get_by_text(foreign, exact=True)).to_be_visible()
        expect(panel.get_by_text("speaks contract 2.0")).to_be_visible()
        expect(panel.get_by_text("in-process")).to_have_count(4)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(f"ops-services-{width}-{scheme}")
        panel.screenshot(path=str(SCREENSHOTS / f"ops-services-panel-{width}-{scheme}.png"))
