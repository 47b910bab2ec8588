"""The address book pages: list, add, edit, delete (with confirmation), make default."""

from __future__ import annotations

import pytest

from apps.accounts.models import Address
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

LIST = "/account/addresses/"
ADD = "/account/addresses/new/"
FORM = {
    "label": "Home",
    "full_name": "Ada Lovelace",
    "line1": "12 Rue de Rivoli",
    "line2": "",
    "city": "Paris",
    "postal_code": "75001",
    "region": "",
    "country": "FR",
    "phone": "",
}


def book(user) -> list[tuple[str, bool]]:
    return list(Address.objects.filter(user=user).order_by("id").values_list("label", "is_default"))


def test_the_address_list_needs_a_signed_in_customer(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/addresses/"


def test_an_empty_address_book_says_so(signed_in):
    html = signed_in.get(LIST).content.decode()

    assert "Your address book is empty." in html


def test_the_address_list_shows_only_my_addresses_default_first(signed_in, customer, stranger):
    AddressFactory(user=customer, label="Home")
    AddressFactory(user=customer, label="Work")
    AddressFactory(user=stranger, label="Lair")

    html = signed_in.get(LIST).content.decode()

    assert html.count('class="card address-card') == 2
    assert html.index(">Home<") < html.index(">Work<")
    assert "Lair" not in html


def test_the_address_list_runs_the_same_few_queries_however_long_it_is(
    signed_in, customer, django_assert_max_num_queries
):
    for n in range(12):
        AddressFactory(user=customer, label=f"Address {n}")

    # session, user, addresses, and the header's cart count
    with django_assert_max_num_queries(4):
        response = signed_in.get(LIST)

    assert response.status_code == 200
    assert response.content.decode().count('class="card address-card') == 12


def test_adding_the_first_address_makes_it_the_default(signed_in, customer):
    response = signed_in.post(ADD, FORM)

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert book(customer) == [("Home", True)]


def test_adding_an_address_as_default_moves_the_default(signed_in, customer):
    AddressFactory(user=customer, label="Home")

    signed_in.post(ADD, {**FORM, "label": "Work", "make_default": "on"})

    assert book(customer) == [("Home", False), ("Work", True)]


def test_an_invalid_new_address_shows_errors_and_saves_nothing(signed_in, customer):
    response = signed_in.post(ADD, {**FORM, "country": "ZZ", "line1": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="field field-error"') == 2
    assert "Choose a country from the list" in html
    assert book(customer) == []


def test_editing_an_address_saves_it(signed_in, customer):
    home = AddressFactory(user=customer, label="Home")

    page = signed_in.get(f"/account/addresses/{home.pk}/edit/")
    response = signed_in.post(f"/account/addresses/{home.pk}/edit/", {**FORM, "city": "Lyon"})

    assert 'value="Home"' in page.content.decode()
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.city == "Lyon"


def test_an_invalid_edit_changes_nothing(signed_in, customer):
    home = AddressFactory(user=customer, label="Home", city="Paris")

    response = signed_in.post(f"/account/addresses/{home.pk}/edit/", {**FORM, "city": ""})

    assert response.status_code == 200
    assert "Edit “Home”" in response.content.decode()
    home.refresh_from_db()
    assert home.city == "Paris"


def test_delete_asks_for_confirmation_first_and_get_deletes_nothing(signed_in, customer):
    home = AddressFactory(user=customer, label="Home")

    response = signed_in.get(f"/account/addresses/{home.pk}/delete/")

    assert response.status_code == 200
    assert "Delete “Home”?" in response.content.decode()
    assert book(customer) == [("Home", True)]


def test_deleting_the_default_promotes_the_newest_other(signed_in, customer):
    home = AddressFactory(user=customer, label="Home")
    AddressFactory(user=customer, label="Work")
    AddressFactory(user=customer, label="Cottage")

    response = signed_in.post(f"/account/addresses/{home.pk}/delete/")

    assert response.status_code == 302
    assert book(customer) == [("Work", False), ("Cottage", True)]


def test_make_default_by_post_redirects_back(signed_in, customer):
    AddressFactory(user=customer, label="Home")
    work = AddressFactory(user=customer, label="Work")

    response = signed_in.post(f"/account/addresses/{work.pk}/default/")

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert book(customer) == [("Home", False), ("Work", True)]


def test_make_default_from_the_profile_returns_to_the_profile(signed_in, customer):
    AddressFactory(user=customer, label="Home")
    work = AddressFactory(user=customer, label="Work")

    response = signed_in.post(f"/account/addresses/{work.pk}/default/", {"origin": "profile"})

    assert response["Location"] == "/account/"


def test_make_default_with_htmx_answers_the_address_book_fragment(signed_in, customer):
    AddressFactory(user=customer, label="Home")
    work = AddressFactory(user=customer, label="Work")

    response = signed_in.post(
        f"/account/addresses/{work.pk}/default/", headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="address-book"')
    assert "<html" not in html
    assert "“Work” is now your default address." in html
    assert book(customer) == [("Home", False), ("Work", True)]


def test_make_default_refuses_get_and_changes_nothing(signed_in, customer):
    AddressFactory(user=customer, label="Home")
    work = AddressFactory(user=customer, label="Work")

    response = signed_in.get(f"/account/addresses/{work.pk}/default/")

    assert response.status_code == 405
    assert book(customer) == [("Home", True), ("Work", False)]


def test_address_writes_need_the_csrf_token(customer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    home = AddressFactory(user=customer, label="Home")

    response = client.post(f"/account/addresses/{home.pk}/delete/")

    assert response.status_code == 403
    assert book(customer) == [("Home", True)]
