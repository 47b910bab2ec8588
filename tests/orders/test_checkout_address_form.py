"""The checkout's new-address form and the address book's form look and behave alike: the same
labels and country list, required parts marked, errors summarised at the top (each linked to its
field) and marked on the field itself."""

from __future__ import annotations

import re

import pytest

from apps.accounts.models import Address
from apps.orders.models import Order
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

ADDRESS_PARTS = ("full_name", "line1", "line2", "postal_code", "city", "region", "country", "phone")
REQUIRED = ("full_name", "line1", "postal_code", "city", "country")


@pytest.fixture
def signed_in(client, shopper, cart, payments, mug):
    client.force_login(shopper)
    cart.put(shopper.pk, mug.pk, 1)
    return client


def labels(html: str) -> dict[str, str]:
    """{field name: label text without marks} for every address part on the page."""
    found = {}
    for name in ADDRESS_PARTS:
        label = re.search(rf'<label for="id_{name}">(.*?)</label>', html, re.S).group(1)
        found[name] = re.sub(r"<span.*?</span>", "", label, flags=re.S).strip()
    return found


def input_tag(html: str, name: str) -> str:
    return re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', html).group(0)


def country_options(html: str) -> list[str]:
    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([A-Z]*)"', select)


def test_checkout_and_address_book_use_the_same_labels_and_country_list(signed_in):
    checkout = signed_in.get("/checkout/").content.decode()
    book = signed_in.get("/account/addresses/new/").content.decode()

    assert (
        labels(checkout)
        == labels(book)
        == {
            "full_name": "Full name",
            "line1": "Address line 1",
            "line2": "Address line 2",
            "postal_code": "Postal code",
            "city": "City",
            "region": "Region or state",
            "country": "Country",
            "phone": "Phone",
        }
    )
    assert country_options(checkout) == country_options(book)
    assert len(country_options(book)) == 250  # every ISO 3166-1 country, and the prompt


@pytest.mark.parametrize("url", ["/checkout/", "/account/addresses/new/"])
def test_required_parts_are_marked_visibly_and_for_assistive_technology(signed_in, url):
    html = signed_in.get(url).content.decode()

    assert 'Fields marked <span class="required-mark">*</span> are required.' in html
    for name in ADDRESS_PARTS:
        label = re.search(rf'<label for="id_{name}">(.*?)</label>', html, re.S).group(1)
        tag = input_tag(html, name)
        if name in REQUIRED:
            assert '<span class="required-mark" aria-hidden="true">*</span>' in label, name
            assert " required" in tag, name
        else:
            assert "required-mark" not in label, name
            assert " required" not in tag, name
            assert '<span class="optional">(optional)</span>' in label, name


def summary_links(html: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S).group(0)
    return re.findall(r'<a href="#(id_\w+)">(.*?)</a>', summary)


def test_a_failed_checkout_summarises_the_errors_and_marks_each_field(signed_in, shopper):
    page = signed_in.get("/checkout/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)

    response = signed_in.post(
        "/checkout/",
        {"idempotency_key": key, "address": "new", "full_name": "Ada", "country": "ZZ"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Checkout" in html
    summary_start = (
        r'<div class="error-summary" id="error-summary" tabindex="-1" autofocus>\s*'
        r'<div role="alert">\s*<h2 class="error-summary-title">There is a problem</h2>'
    )
    assert re.search(summary_start, html)
    assert summary_links(html) == [
        ("id_line1", "Enter the first line of the address"),
        ("id_postal_code", "Enter the postal code"),
        ("id_city", "Enter the city"),
        ("id_country", "Choose a country from the list"),
    ]
    for name in ("line1", "postal_code", "city", "country"):
        tag = input_tag(html, name)
        assert 'aria-invalid="true"' in tag, name
        assert f'aria-describedby="id_{name}_error"' in tag, name
        assert f'id="id_{name}_error"' in html, name
    assert "aria-invalid" not in input_tag(html, "full_name")
    assert not Order.objects.exists()


def test_a_failed_new_address_summarises_the_errors_like_the_checkout(signed_in, shopper):
    response = signed_in.post("/account/addresses/new/", {"line2": "Flat 2", "country": "ZZ"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: New address" in html
    assert summary_links(html) == [  # in the order of the page
        ("id_label", "Enter a label, for example Home"),
        ("id_full_name", "Enter the full name"),
        ("id_line1", "Enter the first line of the address"),
        ("id_postal_code", "Enter the postal code"),
        ("id_city", "Enter the city"),
        ("id_country", "Choose a country from the list"),
    ]
    for name in ("line1", "country"):
        tag = input_tag(html, name)
        assert 'aria-invalid="true"' in tag, name
        assert f'aria-describedby="id_{name}_error"' in tag, name
    assert "aria-invalid" not in input_tag(html, "line2")
    assert not Address.objects.exists()


def test_a_page_without_errors_has_no_summary(signed_in):
    assert 'class="error-summary"' not in signed_in.get("/checkout/").content.decode()
    assert 'class="error-summary"' not in signed_in.get("/account/addresses/new/").content.decode()


def test_an_address_stored_before_django_countries_keeps_working(signed_in, shopper, payments):
    # Stored as the two letters the old CharField kept, below the model field.
    home = AddressFactory(user=shopper, line1="1 High St", city="London", postal_code="N1 9GU")
    Address.objects.filter(pk=home.pk).update(country="GB")

    book = signed_in.get("/account/addresses/").content.decode()
    edit = signed_in.get(f"/account/addresses/{home.pk}/edit/").content.decode()
    checkout = signed_in.get("/checkout/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', checkout).group(1)
    placed = signed_in.post("/checkout/", {"idempotency_key": key, "address": str(home.pk)})

    assert "United Kingdom" in book
    assert '<option value="GB" selected>United Kingdom</option>' in edit
    assert "N1 9GU London, United Kingdom" in checkout
    assert placed.status_code == 302
    assert Order.objects.get().ship_country == "GB"
