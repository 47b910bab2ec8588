"""/api/docs/ in Chromium with no way out: Redoc comes from our own static files, renders every
operation under its readable summary, and nothing breaks the CSP."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_offline_with_readable_operation_names(
    live_server, page, shot, csp_violations
):
    own = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def only_our_server(route):
        host = urlsplit(route.request.url).netloc
        if host and host != own and not route.request.url.startswith(("blob:", "data:")):
            outside.append(route.request.url)
            route.abort()  # offline: nothing outside this server answers
        else:
            route.continue_()

    page.route("**/*", only_our_server)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.get_by_role("heading", name="Microstore API")).to_be_visible(timeout=15000)
    menu = page.locator("[role=menuitem]")
    expect(menu.filter(has_text="List products").first).to_be_visible()
    for summary in ("Place an order from your cart", "Sign in for an API token"):
        expect(menu.filter(has_text=summary).first).to_be_attached()
    page.locator("[role=menuitem]", has_text="List products").first.click()
    expect(page.get_by_text("application/problem+json").first).to_be_attached()
    expect(page.get_by_text("API docs by Redocly")).to_be_hidden()
    shot("api-docs-1280")
    page.screenshot(path=str(SCREENSHOTS / "api-docs-1280-top.png"))  # what a reader sees first
    assert outside == []
    # The one thing the CSP blocks is the logo of that hidden badge, hard-coded in Redoc's
    # bundle: blocked before any request leaves (`outside` stays empty).
    assert [v for v in csp_violations if "cdn.redoc.ly/redoc/logo-mini.svg" not in v] == []
