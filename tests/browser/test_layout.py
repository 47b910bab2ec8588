"""The base layout in a real Chromium: themes, no flash, responsive, works without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DARK_BG = "rgb(14, 14, 20)"
LIGHT_BG = "rgb(247, 247, 251)"
RECORD_FIRST_PAINT = """
document.addEventListener('DOMContentLoaded', () => {
  window.__firstBg = getComputedStyle(document.body).backgroundColor;
});
"""


def body_bg(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_home_follows_the_system_theme_at_phone_and_desktop_width(
    live_server, page, shot, width, scheme
):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + "/")

    assert body_bg(page) == (DARK_BG if scheme == "dark" else LIGHT_BG)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    assert page.locator("#cart-count").is_visible()
    shot(f"home-{width}-{scheme}")


def test_a_chosen_theme_switches_in_place_and_is_remembered(live_server, page):
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/")

    with page.expect_response(lambda r: r.url.endswith("/theme/")) as saved:
        page.get_by_title("Dark theme").click()
    assert saved.value.status == 204
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.get_by_title("Dark theme").get_attribute("aria-pressed") == "true"
    expect(page.locator("body")).to_have_css("background-color", DARK_BG)  # after the fade

    page.add_init_script(RECORD_FIRST_PAINT)
    page.reload()
    assert page.evaluate("window.__firstBg") == DARK_BG  # dark from the first paint: no flash


def test_the_theme_switch_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, color_scheme="dark")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert body_bg(page) == DARK_BG

    page.get_by_title("Light theme").click()
    page.wait_for_url(live_server.url + "/")
    assert body_bg(page) == LIGHT_BG
    assert page.get_by_title("Light theme").get_attribute("aria-pressed") == "true"
    context.close()


def test_no_script_is_blocked_by_the_content_security_policy(live_server, page):
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.goto(live_server.url + "/")
    assert page.evaluate("typeof window.htmx") == "object"
    assert violations == []
