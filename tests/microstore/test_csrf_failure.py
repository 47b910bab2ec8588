"""A form sent with a stale CSRF token (the shopper signed in or out in another tab): a page in
the shop's layout that says what happened and what to do; for HTMX, the sentence alone."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.cart.models import CartLine
from microstore.views import SESSION_CHANGED
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale():
    """A browser whose page holds a token that no longer matches its cookie."""
    browser = Client(enforce_csrf_checks=True)
    browser.get("/")
    browser.cookies["csrftoken"] = "x" * 32  # rotated elsewhere
    return browser


def add(browser: Client, **headers: str):
    product = ProductFactory(slug="lamp")
    form = {"product_id": product.pk, "quantity": 1, "csrfmiddlewaretoken": "y" * 32}
    return browser.post("/cart/add/", form, headers=headers)


def test_a_stale_token_gets_the_explanation_in_the_shop_layout(stale):
    response = add(stale, Referer="http://testserver/p/lamp/")

    html = response.content.decode()
    assert response.status_code == 403
    assert "<title>Your session changed · Microstore</title>" in html
    assert '<h1 id="error-title">Your session changed</h1>' in html
    assert "We did not send that form, and nothing changed." in html
    assert '<a class="button" href="http://testserver/p/lamp/">Back to the page</a>' in html
    for layout in ('class="site-header"', 'id="main"', 'class="site-footer"'):
        assert layout in html
    main = html.split('id="main"')[1].split("</main>")[0]
    assert "CSRF" not in main  # no jargon, no reason string for the shopper
    assert CartLine.objects.count() == 0


def test_the_back_link_never_leads_off_the_site(stale):
    response = add(stale, Referer="https://evil.example/")

    html = response.content.decode()
    assert response.status_code == 403
    assert "evil.example" not in html
    assert "Back to the page" not in html
    assert '<a class="button" href="/">Back to the shop</a>' in html


def test_an_htmx_request_gets_the_sentence_its_handler_shows(stale):
    response = add(stale, **{"HX-Request": "true"})

    assert response.status_code == 403
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == SESSION_CHANGED
    assert CartLine.objects.count() == 0
