"""A service that is down: the pages that need it say so with a 503 in the shop's layout (HTMX
gets the sentence, the API its problem), and the pages that do not keep working, the header's
cart count included. Each test binds a service to a URL where nothing listens."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from microstore.views import UNAVAILABLE
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.microstore.remotes import bound_to, dead_url

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
COUNT = re.compile(r'<span id="cart-count"[^>]*>([^<]*)</span><span[^>]*data-cart-unit>([^<]*)<')


@pytest.fixture
def lamp():
    return ProductFactory(name="Brass lamp", slug="brass-lamp", price=Decimal("40.00"), stock=5)


@pytest.fixture
def shopper(client):
    user = UserFactory(email="ada@example.com")
    client.force_login(user)
    return user


def header_count(response) -> tuple[str, str]:
    """The header's cart count and the unit read out after it."""
    found = COUNT.search(response.content.decode())
    assert found, "the header's cart link is missing"
    return found.group(1), found.group(2)


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert '<header class="site-header">' in html  # the shop's own layout
    assert "This part of the shop is unavailable right now" in html
    assert f"Reference: <code>{response['X-Request-ID']}</code>" in html
    assert 'href="/">Back to the shop</a>' in html
    assert "127.0.0.1" not in html  # no internal address for shoppers


def test_the_cart_page_says_the_catalog_is_unavailable_instead_of_a_500(client, lamp):
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 2})

    with bound_to("catalog", dead_url()):
        response = client.get("/cart/", headers={"Referer": "http://testserver/p/brass-lamp/"})

    assert_unavailable_page(response)
    html = response.content.decode()
    assert '<a class="button" href="/cart/">Try again</a>' in html
    assert 'href="http://testserver/p/brass-lamp/">Back to the page</a>' in html
    assert client.get("/cart/").status_code == 200  # bound again: the page is back


def test_an_htmx_request_gets_the_sentence_the_error_region_shows(client, lamp):
    client.post("/cart/add/", {"product_id": lamp.pk})

    with bound_to("catalog", dead_url()):
        response = client.post(f"/cart/items/{lamp.pk}/", {"quantity": 3}, headers=HTMX)

    assert response.status_code == 503
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == UNAVAILABLE
    assert len(UNAVAILABLE) <= 400  # what static/js/app.js shows as it is


def test_a_form_posted_while_a_service_is_down_offers_no_retry_of_the_post(client, lamp):
    with bound_to("catalog", dead_url()):
        response = client.post("/cart/add/", {"product_id": lamp.pk})

    assert_unavailable_page(response)
    assert "Try again" not in response.content.decode()


def test_the_api_answers_a_problem_503_without_internal_addresses(client, lamp):
    added = client.post(
        "/api/v1/cart/items/",
        {"product_id": lamp.pk, "quantity": 1},
        content_type="application/json",
    )
    assert added.status_code == 201, added.content

    with bound_to("catalog", dead_url()):
        response = client.get("/api/v1/cart/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    problem = response.json()
    assert (problem["code"], problem["status"], problem["details"]) == (
        "unavailable", 503, {"service": "catalog"}
    )  # fmt: skip
    assert problem["request_id"] == response["X-Request-ID"]
    assert "127.0.0.1" not in response.content.decode()


def test_with_the_cart_down_the_shop_pages_render_without_a_cart_count(client, lamp):
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 2})
    assert header_count(client.get("/")) == ("2", " items")

    with bound_to("cart", dead_url()):
        home = client.get("/")
        product = client.get("/p/brass-lamp/")
        listing = client.get("/products/")

    for page in (home, product, listing):
        assert page.status_code == 200
        assert header_count(page) == ("", "")  # "Cart", no number, no "items"
    assert "Brass lamp" in product.content.decode()


def test_a_signed_in_shopper_with_the_cart_down_browses_and_checkout_says_why(
    client, shopper, lamp
):
    client.post("/cart/add/", {"product_id": lamp.pk})

    with bound_to("cart", dead_url()):
        product = client.get("/p/brass-lamp/")
        checkout = client.get("/checkout/")

    assert product.status_code == 200
    assert header_count(product) == ("", "")
    assert_unavailable_page(checkout)


@pytest.mark.django_db(transaction=True)  # the live server's threads see committed rows only
def test_with_the_cart_remote_and_up_the_count_comes_through_its_contract(
    client, shopper, lamp, live_server
):
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 3})

    with bound_to("cart", live_server.url):
        assert header_count(client.get("/")) == ("3", " items")
