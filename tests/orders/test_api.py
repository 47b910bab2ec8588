"""POST /api/v1/orders/ with an Idempotency-Key; a customer's orders and nobody else's."""

from __future__ import annotations

import pytest

from apps.orders.models import Order
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "3 Rue de Rivoli",
    "city": "Paris",
    "postal_code": "75001",
    "country": "fr",
}


@pytest.fixture
def api(client, shopper, cart, payments):
    client.force_login(shopper)
    return client


def post(api, body, key="api-key-000001"):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post("/api/v1/orders/", body, content_type="application/json", headers=headers)


def test_placing_an_order_answers_201_with_the_order(api, cart, shopper, mug):
    cart.put(shopper.pk, mug.pk, 2)
    response = post(api, {"address": ADDRESS})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending_payment"
    assert (body["subtotal"], body["shipping"], body["total"]) == ("28.00", "4.90", "32.90")
    assert body["shipping_address"]["country"] == "FR"
    assert [line["sku"] for line in body["lines"]] == ["MUG-1"]
    assert "Idempotent-Replayed" not in response


def test_the_same_key_replays_the_first_answer_and_places_nothing_more(api, cart, shopper, mug):
    cart.put(shopper.pk, mug.pk, 1)
    first = post(api, {"address": ADDRESS})
    second = post(api, {"address": ADDRESS})
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["number"] == first.json()["number"]
    assert Order.objects.count() == 1


def test_a_saved_address_of_the_customer_can_be_used_and_another_ones_cannot(
    api, cart, shopper, mug
):
    mine = AddressFactory(user=shopper, city="Lyon")
    theirs = AddressFactory(user=UserFactory(), city="Nice")
    cart.put(shopper.pk, mug.pk, 1)

    refused = post(api, {"address_id": theirs.pk}, key="api-key-theirs")
    assert refused.status_code == 404
    assert refused.json()["code"] == "address_not_found"
    assert not Order.objects.exists()

    ok = post(api, {"address_id": mine.pk}, key="api-key-mine01")
    assert ok.json()["shipping_address"]["city"] == "Lyon"


def test_a_saved_address_other_than_the_default_ships_there(api, cart, shopper, mug):
    AddressFactory(user=shopper, city="Lyon")  # the first one: the default
    office = AddressFactory(user=shopper, city="Nantes")
    cart.put(shopper.pk, mug.pk, 1)

    response = post(api, {"address_id": office.pk})

    assert response.json()["shipping_address"]["city"] == "Nantes"


def test_adding_to_the_cart_and_placing_the_order_stay_within_their_query_budgets(
    client, shopper, mug, django_assert_max_num_queries
):
    home = AddressFactory(user=shopper, city="Lyon")
    client.force_login(shopper)
    add = {"product_id": mug.pk, "quantity": 1}
    client.post("/api/v1/cart/items/", add, content_type="application/json")
    post(client, {"address_id": home.pk}, key="api-key-warmup")  # the cart exists, empty

    # Every service real, as in bench.checkout_queries (which signs in by token: one query less).
    # The session, the user, the product, the cart with its line, the new line (in a savepoint
    # here: the test's transaction is around it), the lines for the answer.
    with django_assert_max_num_queries(8):
        added = client.post("/api/v1/cart/items/", add, content_type="application/json")
    # The session and the user, then 30 statements for the order itself (with the gateway
    # attempt's audit row and the checkout lease let go once the cart is empty), and the
    # answer's lines, timeline and refunds.
    with django_assert_max_num_queries(32):
        response = post(client, {"address_id": home.pk}, key="api-key-budget")

    assert (added.status_code, response.status_code) == (201, 201), response.content


@pytest.mark.parametrize(
    ("body", "key", "status", "code"),
    [
        ({"address": ADDRESS}, None, 400, "validation_error"),
        ({"address": ADDRESS}, "short", 400, "validation_error"),
        ({}, "api-key-000002", 400, "validation_error"),
        ({"address": {**ADDRESS, "country": "France"}}, "api-key-000003", 400, "validation_error"),
    ],
)
def test_bad_requests_are_problems_and_place_nothing(
    api, cart, shopper, mug, body, key, status, code
):
    cart.put(shopper.pk, mug.pk, 1)
    response = post(api, body, key=key)
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == code
    assert not Order.objects.exists()


def test_an_empty_cart_is_a_422_and_sold_out_a_409(api, cart, shopper, mug):
    assert post(api, {"address": ADDRESS}).json()["code"] == "cart_not_ready"
    cart.put(shopper.pk, mug.pk, 2)
    cart.held_meanwhile(mug.pk, 4)  # another checkout, between our cart read and our hold
    response = post(api, {"address": ADDRESS}, key="api-key-soldout")
    assert (response.status_code, response.json()["code"]) == (409, "out_of_stock")
    assert response.json()["details"]["items"][0]["available"] == 1
    assert not Order.objects.exists()


def test_customers_see_only_their_own_orders(api, place, mug, shopper, client):
    mine = place({mug: 1})
    other = UserFactory()
    theirs = place({mug: 1}, customer=other)

    listing = api.get("/api/v1/orders/").json()
    assert [o["number"] for o in listing["results"]] == [mine.number]
    assert api.get(f"/api/v1/orders/{mine.number}/").status_code == 200
    response = api.get(f"/api/v1/orders/{theirs.number}/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_an_unpaid_order_can_be_cancelled_by_its_customer_only(api, place, mug):
    mine = place({mug: 1})
    other = place({mug: 1}, customer=UserFactory())
    assert api.post(f"/api/v1/orders/{other.number}/cancel/").status_code == 404
    response = api.post(f"/api/v1/orders/{mine.number}/cancel/")
    assert response.json()["status"] == "cancelled"
    other.refresh_from_db()
    assert other.status == "pending_payment"


def test_anonymous_clients_get_401_or_403(client):
    assert client.get("/api/v1/orders/").status_code in (401, 403)
    assert client.post("/api/v1/orders/", {}, content_type="application/json").status_code in (
        401,
        403,
    )
