"""Query budgets: adding to the cart, the cart page whatever its size, and that the middleware
and the header count cost the benchmarked catalog pages nothing."""

from __future__ import annotations

import pytest

from tests.cart.factories import CartFactory, CartLineFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
# Measured, with the test's savepoints around inserts (in production an insert on its own needs
# none): a new cart (and a new session), a new line, more of a line. Signed in adds the user,
# and a customer's first line is inserted guarded (another request of the customer may see the
# new cart at once), which in a test's transaction is a savepoint more.
ANONYMOUS_BUDGET = (7, 6, 4)
CUSTOMER_BUDGET = (10, 7, 5)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_adding_as_an_anonymous_shopper_stays_within_budget(
    client, lamp, mug, django_assert_max_num_queries, headers
):
    first, new_line, more = ANONYMOUS_BUDGET
    with django_assert_max_num_queries(first):  # a new cart and a new session
        client.post("/cart/add/", {"product_id": lamp.pk}, headers=headers)
    with django_assert_max_num_queries(new_line):
        client.post("/cart/add/", {"product_id": mug.pk}, headers=headers)
    with django_assert_max_num_queries(more):
        client.post("/cart/add/", {"product_id": mug.pk}, headers=headers)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_adding_as_a_customer_stays_within_budget(
    client, customer, lamp, mug, django_assert_max_num_queries, headers
):
    client.force_login(customer)
    first, new_line, more = CUSTOMER_BUDGET
    with django_assert_max_num_queries(first):  # their first cart
        client.post("/cart/add/", {"product_id": lamp.pk}, headers=headers)
    with django_assert_max_num_queries(new_line):
        client.post("/cart/add/", {"product_id": mug.pk}, headers=headers)
    with django_assert_max_num_queries(more):
        client.post("/cart/add/", {"product_id": mug.pk}, headers=headers)


@pytest.mark.parametrize("size", [1, 25])
def test_the_cart_page_costs_the_same_whatever_its_size(
    client, customer, django_assert_num_queries, size
):
    cart = CartFactory(customer_id=customer.pk)
    for _ in range(size):
        CartLineFactory(cart=cart, product_id=ProductFactory().pk)
    client.force_login(customer)

    # session, user, the lines with their cart, the catalog's products, the header's count
    with django_assert_num_queries(5):
        response = client.get("/cart/")

    assert len(response.context["cart"].lines) == size


def test_an_anonymous_list_page_still_costs_three_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        ProductFactory()

    with django_assert_max_num_queries(3):
        response = client.get("/products/")

    assert response.context["cart_count"] == 0


def test_an_anonymous_visitor_without_a_cart_costs_the_cart_nothing(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert client.get("/cart/count/").content == b"0"


def test_a_shopper_with_a_cart_pays_one_query_for_the_header(
    client, lamp, django_assert_num_queries
):
    client.post("/cart/add/", {"product_id": lamp.pk, "quantity": 2})
    client.get("/products/")  # the list is cached from now on

    with django_assert_num_queries(2):  # the session, the count
        response = client.get("/products/")

    assert '<span id="cart-count"' in response.content.decode()
    assert response.context["cart_count"] == 2


def test_the_middleware_costs_a_signed_in_customer_nothing(
    client, customer, django_assert_num_queries
):
    client.force_login(customer)

    with django_assert_num_queries(3):  # the session, the user, the count
        assert client.get("/cart/count/").content == b"0"
