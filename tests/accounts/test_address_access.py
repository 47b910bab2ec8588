"""Another customer's address id, in any URL or form, is a 404 and changes nothing.

`selectors.address_for_user` makes that decision for every view (and the facade); these tests
hit it through each URL, and then directly with every kind of id it may be handed.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from apps.accounts.models import Address
from apps.accounts.selectors import address_for_user
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

FORM = {
    "label": "Pwned",
    "full_name": "Mallory",
    "line1": "1 Evil Street",
    "city": "Nowhere",
    "postal_code": "666",
    "country": "GB",
}


def snapshot(user) -> list[tuple]:
    return list(
        Address.objects.filter(user=user)
        .order_by("id")
        .values_list("label", "line1", "city", "is_default", "updated_at")
    )


@pytest.fixture
def theirs(stranger):
    AddressFactory(user=stranger, label="Home")
    return AddressFactory(user=stranger, label="Work")


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/account/addresses/{id}/edit/", None),
        ("post", "/account/addresses/{id}/edit/", FORM),
        ("get", "/account/addresses/{id}/delete/", None),
        ("post", "/account/addresses/{id}/delete/", None),
        ("post", "/account/addresses/{id}/default/", None),
        ("post", "/account/addresses/{id}/default/", {"origin": "profile"}),
    ],
)
def test_another_customers_address_is_not_found_and_untouched(
    signed_in, customer, stranger, theirs, method, path, data
):
    AddressFactory(user=customer, label="Mine")
    before_theirs, before_mine = snapshot(stranger), snapshot(customer)

    response = getattr(signed_in, method)(path.format(id=theirs.pk), data)

    assert response.status_code == 404
    assert snapshot(stranger) == before_theirs
    assert snapshot(customer) == before_mine


def test_an_htmx_request_for_another_customers_address_is_not_found(signed_in, stranger, theirs):
    before = snapshot(stranger)

    response = signed_in.post(
        f"/account/addresses/{theirs.pk}/default/", headers={"HX-Request": "true"}
    )

    assert response.status_code == 404
    assert snapshot(stranger) == before


@pytest.mark.parametrize("address_id", [0, 999_999, 2**63 + 5])
def test_an_unknown_address_id_is_not_found(signed_in, address_id):
    assert signed_in.get(f"/account/addresses/{address_id}/edit/").status_code == 404
    assert signed_in.post(f"/account/addresses/{address_id}/delete/").status_code == 404


def test_the_404_page_does_not_reveal_the_address(signed_in, theirs):
    html = signed_in.get(f"/account/addresses/{theirs.pk}/edit/").content.decode()

    assert "Work" not in html
    assert "Rue de Rivoli" not in html


def test_the_helper_returns_my_own_address(customer):
    mine = AddressFactory(user=customer)

    assert address_for_user(customer, mine.pk) == mine
    assert address_for_user(customer, str(mine.pk)) == mine
    assert address_for_user(customer.pk, mine.pk) == mine


@pytest.mark.parametrize("address_id", ["abc", "", None, "1.5", True, [1]])
def test_the_helper_refuses_malformed_ids(customer, address_id):
    AddressFactory(user=customer)

    with pytest.raises(Http404):
        address_for_user(customer, address_id)


def test_the_helper_refuses_another_customers_address(customer, theirs):
    with pytest.raises(Http404):
        address_for_user(customer, theirs.pk)
    with pytest.raises(Http404):
        address_for_user(customer.pk, theirs.pk)


def test_the_helper_gives_anonymous_users_nothing(theirs):
    with pytest.raises(Http404):
        address_for_user(AnonymousUser(), theirs.pk)


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(client, stranger, theirs):
    before = snapshot(stranger)

    response = client.post(f"/account/addresses/{theirs.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert snapshot(stranger) == before
