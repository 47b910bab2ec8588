"""The accounts pages in a real Chromium: sign-up, sign-in and the profile with its address
book, at phone and desktop widths, light and dark; plus the address book with and without JS."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Address
from tests.accounts.factories import AddressFactory, UserFactory
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 1280]
SCHEMES = ["light", "dark"]
DARK_BG = "rgb(14, 14, 20)"
LIGHT_BG = "rgb(247, 247, 251)"


def open_page(page, url: str, width: int, scheme: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(url)


def assert_fits_and_follows_the_theme(page, width: int, scheme: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    body_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body_bg == (DARK_BG if scheme == "dark" else LIGHT_BG)


def assert_centred_card(page, width: int) -> None:
    box = page.locator("#main").bounding_box()
    assert box is not None
    assert abs((box["x"] + box["width"] / 2) - width / 2) <= 1  # centred
    assert box["width"] <= 28 * 16 + 1  # a card, not the full container
    radius = page.evaluate("getComputedStyle(document.querySelector('#main')).borderTopLeftRadius")
    assert radius == "18px"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_sign_up_page(live_server, page, shot, csp_violations, width, scheme):
    open_page(page, live_server.url + "/accounts/signup/", width, scheme)

    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    for label in ("Email", "Password", "Password (again)"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign Up")).to_be_visible()
    assert_fits_and_follows_the_theme(page, width, scheme)
    assert_centred_card(page, width)
    assert csp_violations == []
    shot(f"accounts-signup-{width}-{scheme}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_sign_in_page_with_an_error(live_server, page, shot, csp_violations, width, scheme):
    UserFactory(email="ada@example.com")
    open_page(page, live_server.url + "/accounts/login/", width, scheme)
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    assert_fits_and_follows_the_theme(page, width, scheme)
    assert_centred_card(page, width)
    assert csp_violations == []
    shot(f"accounts-login-{width}-{scheme}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_profile_with_two_addresses(live_server, page, shot, csp_violations, width, scheme):
    customer = UserFactory(email="ada@example.com")
    AddressFactory(user=customer, label="Home", line2="Apartment 4B", phone="+33 1 23 45 67 89")
    AddressFactory(
        user=customer,
        label="Work",
        full_name="Ada King, Countess of Lovelace",
        line1="221B Baker Street",
        city="London",
        postal_code="NW1 6XE",
        region="Greater London",
        country="GB",
    )
    page.emulate_media(color_scheme=scheme)
    sign_in(page, live_server.url, "ada@example.com")
    open_page(page, live_server.url + "/account/", width, scheme)

    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Ada")
    expect(page.locator(".address-card")).to_have_count(2)
    expect(page.locator(".address-card.is-default")).to_contain_text("Home")
    assert_fits_and_follows_the_theme(page, width, scheme)
    assert csp_violations == []
    shot(f"accounts-profile-{width}-{scheme}")


def test_make_default_swaps_the_address_book_in_place(live_server, page, csp_violations):
    customer = UserFactory(email="ada@example.com")
    AddressFactory(user=customer, label="Home")
    work = AddressFactory(user=customer, label="Work")
    sign_in(page, live_server.url, "ada@example.com")
    page.goto(live_server.url + "/account/addresses/")
    page.evaluate("window.__sameDocument = true")

    page.get_by_role("button", name="Make default (Work)").click()

    expect(page.locator(".address-card.is-default")).to_contain_text("Work")
    expect(page.get_by_role("status")).to_have_text("“Work” is now your default address.")
    assert page.evaluate("window.__sameDocument") is True  # no page load: HTMX swapped it
    assert Address.objects.get(pk=work.pk).is_default is True
    assert csp_violations == []


def test_the_address_book_works_without_javascript(live_server, browser):
    customer = UserFactory(email="ada@example.com")
    home = AddressFactory(user=customer, label="Home")
    AddressFactory(user=customer, label="Work")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "ada@example.com")
    page.goto(live_server.url + "/account/addresses/")

    page.get_by_role("button", name="Make default (Work)").click()
    expect(page.locator(".message-success")).to_have_text("“Work” is now your default address.")
    page.get_by_role("link", name="Delete Home").click()
    page.get_by_role("button", name="Delete address").click()

    expect(page.locator(".message-success")).to_have_text("“Home” is deleted.")
    assert list(Address.objects.filter(user=customer).values_list("label", flat=True)) == ["Work"]
    assert not Address.objects.filter(pk=home.pk).exists()
    context.close()


ANONYMOUS_PAGES = {
    "password-reset": "/accounts/password/reset/",
    "password-reset-done": "/accounts/password/reset/done/",
    "password-reset-key-done": "/accounts/password/reset/key/done/",
    "verification-sent": "/accounts/confirm-email/",
    "bad-reset-link": "/accounts/password/reset/key/1-forged/",
}
SIGNED_IN_PAGES = {
    "addresses": "/account/addresses/",
    "address-add": "/account/addresses/new/",
    "email": "/accounts/email/",
    "password-change": "/accounts/password/change/",
    "logout": "/accounts/logout/",
}


@pytest.mark.parametrize(("width", "scheme"), [(390, "dark"), (1280, "light")])
def test_the_other_entrance_pages_are_cards_too(
    live_server, page, shot, csp_violations, width, scheme
):
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    user = UserFactory(email="late@example.com", verified=False)
    confirm_key = EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key
    reset_key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    pages = {
        **ANONYMOUS_PAGES,
        "confirm-email": f"/accounts/confirm-email/{confirm_key}/",
        "password-reset-from-key": f"/accounts/password/reset/key/{reset_key}/",
    }
    for name, path in pages.items():
        open_page(page, live_server.url + path, width, scheme)
        expect(page.locator("h1")).to_be_visible()
        assert_fits_and_follows_the_theme(page, width, scheme)
        assert_centred_card(page, width)
        shot(f"accounts-{name}-{width}-{scheme}")
    assert csp_violations == []


@pytest.mark.parametrize(("width", "scheme"), [(390, "dark"), (1280, "light")])
def test_the_account_area_pages_fit(live_server, page, shot, csp_violations, width, scheme):
    customer = UserFactory(email="ada@example.com")
    home = AddressFactory(user=customer, label="Home")
    AddressFactory(user=customer, label="Work", city="Lyon")
    AddressFactory(user=customer, label="Parents", city="Nantes", line2="Bâtiment C")
    page.emulate_media(color_scheme=scheme)
    sign_in(page, live_server.url, "ada@example.com")
    pages = {**SIGNED_IN_PAGES, "address-delete": f"/account/addresses/{home.pk}/delete/"}
    for name, path in pages.items():
        open_page(page, live_server.url + path, width, scheme)
        expect(page.get_by_role("navigation", name="Your account")).to_be_visible()
        assert_fits_and_follows_the_theme(page, width, scheme)
        shot(f"accounts-{name}-{width}-{scheme}")
    open_page(page, live_server.url + "/account/addresses/new/", width, scheme)
    for label, value in [
        ("Label", "Office"),
        ("Full name", "Ada Lovelace"),
        ("Address line 1", "1 Main Street"),
        ("Postal code", "SW1A 1AA"),
        ("City", "London"),
        ("Phone", "not a phone"),
    ]:
        page.get_by_label(label).fill(value)
    page.get_by_label("Country").select_option("GB")
    page.get_by_role("button", name="Add address").click()
    expect(page.locator(".field-error")).to_have_count(1)
    expect(page.locator(".field-error")).to_contain_text("Enter a phone number")
    assert Address.objects.filter(user=customer, label="Office").exists() is False
    assert_fits_and_follows_the_theme(page, width, scheme)
    shot(f"accounts-address-errors-{width}-{scheme}")
    assert csp_violations == []
