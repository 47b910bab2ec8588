"""The base layout: theme without a flash, CSP nonces on our scripts, htmx served locally."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_home_page_renders_the_layout(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    for landmark in ('class="site-header"', 'id="cart-count"', 'id="main"', 'class="site-footer"'):
        assert landmark in html


def test_the_theme_follows_the_system_until_the_shopper_chooses(client):
    html = client.get("/").content.decode()
    assert '<html lang="en" data-theme="system">' in html
    assert '<meta name="color-scheme" content="light dark">' in html


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_saved_theme_is_rendered_by_the_server_so_nothing_flashes(client, theme):
    client.cookies["theme"] = theme
    html = client.get("/").content.decode()
    assert f'data-theme="{theme}"' in html
    assert f'<meta name="color-scheme" content="{theme}">' in html
    assert re.search(rf'value="{theme}" aria-pressed="true"', html)


def test_a_forged_theme_cookie_falls_back_to_the_system(client):
    client.cookies["theme"] = '"><script>alert(1)</script>'
    html = client.get("/").content.decode()
    assert 'data-theme="system"' in html
    assert "alert(1)" not in html


def test_choosing_a_theme_without_javascript_remembers_it_and_returns_to_the_page(client):
    response = client.post("/theme/", {"theme": "dark", "next": "/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/?page=2"
    cookie = response.cookies["theme"]
    assert cookie.value == "dark"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"


def test_the_script_gets_a_204_when_it_saves_the_theme(client):
    response = client.post("/theme/", {"theme": "light"}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 204
    assert response.cookies["theme"].value == "light"


def test_an_unknown_theme_is_refused_and_nothing_is_saved(client):
    response = client.post("/theme/", {"theme": "neon"})
    assert response.status_code == 400
    assert "theme" not in response.cookies


def test_an_offsite_next_is_ignored(client):
    response = client.post("/theme/", {"theme": "dark", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_choosing_a_theme_needs_the_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/theme/", {"theme": "dark"})
    assert response.status_code == 403


def test_every_script_is_local_and_carries_the_csp_nonce(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts
    for attributes in scripts:
        assert f'nonce="{nonce}"' in attributes
        src = re.search(r'src="([^"]+)"', attributes).group(1)
        assert src.startswith("/static/")
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_htmx_is_served_from_our_static_files():
    html_src = "django_htmx/htmx-2.min.js"
    assert finders.find(html_src)
    assert finders.find("css/app.css")
    assert finders.find("js/theme.js")


def test_the_layout_is_responsive():
    css = open(finders.find("css/app.css")).read()  # noqa: PTH123, SIM115
    assert "prefers-color-scheme: dark" in css
    assert "@media (max-width: 30rem)" in css
    assert "prefers-reduced-motion" in css
