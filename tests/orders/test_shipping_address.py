"""Where an order ships: the orders service refuses an address it cannot ship to, whatever the
entry point (service call, REST API, checkout page), and nothing is held, placed or charged."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django_countries import countries

from apps.catalog.models import Reservation
from apps.orders.models import Order
from contracts.orders.errors import InvalidShippingAddress
from tests.orders.conftest import HOME

pytestmark = pytest.mark.django_db


def assert_nothing_happened(payments) -> None:
    assert not Order.objects.exists()
    assert not Reservation.objects.exists()
    assert payments.started == {}


def test_the_service_refuses_a_country_that_does_not_exist(place, mug, payments):
    with pytest.raises(InvalidShippingAddress) as caught:
        place({mug: 1}, address=dataclasses.replace(HOME, country="ZZ"))

    assert caught.value.code == "invalid_shipping_address"
    assert caught.value.status == 422
    assert caught.value.details == {"fields": {"country": "Choose a country from the list"}}
    assert_nothing_happened(payments)


def test_the_service_refuses_missing_and_overlong_parts(place, mug, payments):
    address = dataclasses.replace(HOME, city=" ", postal_code="7" * 21)

    with pytest.raises(InvalidShippingAddress) as caught:
        place({mug: 1}, address=address)

    assert caught.value.details == {
        "fields": {"city": "Enter the city", "postal_code": "At most 20 characters"}
    }
    assert_nothing_happened(payments)


def test_the_service_ships_to_any_country_of_the_list(place, mug):
    order = place({mug: 1}, address=dataclasses.replace(HOME, country="IS"))

    assert order.ship_country == "IS"


@pytest.fixture
def api(client, shopper, cart, payments):
    client.force_login(shopper)
    return client


API_ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "3 Rue de Rivoli",
    "city": "Paris",
    "postal_code": "75001",
}


@pytest.mark.parametrize("country", ["ZZ", "zz", "FRA", "250"])
def test_the_api_refuses_a_country_outside_the_list(api, cart, shopper, mug, payments, country):
    cart.put(shopper.pk, mug.pk, 1)

    response = api.post(
        "/api/v1/orders/",
        {"address": {**API_ADDRESS, "country": country}},
        content_type="application/json",
        headers={"Idempotency-Key": "api-key-country"},
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert [e["field"] for e in response.json()["errors"]] == ["address.country"]
    assert_nothing_happened(payments)


def test_the_api_takes_a_lower_case_code_of_the_list(api, cart, shopper, mug):
    cart.put(shopper.pk, mug.pk, 1)

    response = api.post(
        "/api/v1/orders/",
        {"address": {**API_ADDRESS, "country": "is"}},
        content_type="application/json",
        headers={"Idempotency-Key": "api-key-country"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["shipping_address"]["country"] == "IS"


@pytest.fixture
def signed_in(client, shopper, cart, payments):
    client.force_login(shopper)
    return client


def new_address_form(signed_in, **fields: str) -> dict[str, str]:
    page = signed_in.get("/checkout/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    base = {"address": "new", "full_name": "Ada", "line1": "1 Main St", "city": "Lyon"}
    base |= {"postal_code": "69001", "country": "FR"}
    return {"idempotency_key": key, **base, **fields}


def test_the_checkout_page_refuses_a_country_outside_the_list(
    signed_in, cart, shopper, mug, payments
):
    cart.put(shopper.pk, mug.pk, 1)

    response = signed_in.post("/checkout/", new_address_form(signed_in, country="ZZ"))

    assert response.status_code == 200
    assert "Choose a country from the list" in response.content.decode()
    assert_nothing_happened(payments)


def test_the_checkout_page_offers_every_country_of_django_countries(signed_in, cart, shopper, mug):
    cart.put(shopper.pk, mug.pk, 1)

    page = signed_in.get("/checkout/").content.decode()

    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option value="([A-Z]*)"', select)
    assert options == ["", *(code for code, _name in countries)]
    assert '<option value="" selected>Choose a country</option>' in select
    assert '<option value="IS">Iceland</option>' in select
