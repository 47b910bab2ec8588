"""allauth's pages wear the shop's layout: base.html, our form classes, real labels, no inline
styles or scripts (the CSP would block them), and errors where people look."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ENTRANCE = '<meta name="microstore-layout" content="entrance">'
MANAGE = '<meta name="microstore-layout" content="manage">'


def assert_in_shop_layout(html: str, layout: str) -> None:
    assert 'class="site-header"' in html  # our base.html, not allauth's bare page
    assert layout in html
    assert "Menu:" not in html  # allauth's default layout
    assert " style=" not in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script, script
        assert "nonce=" in script, script
    for input_id in re.findall(r'<input (?![^>]*type="(?:hidden|submit)")[^>]*id="([^"]+)"', html):
        assert f'<label for="{input_id}">' in html, f"input #{input_id} has no label"


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/signup/", "Sign Up"),
        ("/accounts/login/", "Sign In"),
        ("/accounts/password/reset/", "Password Reset"),
        ("/accounts/password/reset/done/", "Password Reset"),
        ("/accounts/password/reset/key/done/", "Change Password"),
        ("/accounts/confirm-email/", "Verify Your Email Address"),
        ("/accounts/confirm-email/unknown-key/", "Confirm Email Address"),
        ("/accounts/password/reset/key/1-unknown/", "Bad Token"),
    ],
)
def test_entrance_pages_are_a_centred_card_in_the_shop_layout(client, path, heading):
    response = client.get(path, follow=True)

    html = response.content.decode()
    assert_in_shop_layout(html, ENTRANCE)
    assert re.search(rf'<h1 class="auth-title">\s*{heading}\s*</h1>', html)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/logout/", "Sign Out"),
        ("/accounts/password/change/", "Change Password"),
        ("/accounts/email/", "Email Addresses"),
    ],
)
def test_manage_pages_carry_the_account_navigation(signed_in, path, heading):
    html = signed_in.get(path).content.decode()

    assert_in_shop_layout(html, MANAGE)
    assert '<nav class="account-nav" aria-label="Your account">' in html
    assert re.search(rf"<h1>\s*{heading}\s*</h1>", html)


def test_the_confirmation_page_for_a_real_key_offers_a_confirm_button(client):
    user = UserFactory(verified=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key

    html = client.get(f"/accounts/confirm-email/{key}/").content.decode()

    assert_in_shop_layout(html, ENTRANCE)
    assert re.search(r'<button type="submit" class="button">\s*Confirm\s*</button>', html)


def test_the_set_password_page_of_a_reset_link_is_styled(client, customer, drain_tasks):
    client.post("/accounts/password/reset/", {"email": customer.email})
    drain_tasks()
    link = re.search(r"testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)[1]

    html = client.get(link, follow=True).content.decode()

    assert_in_shop_layout(html, ENTRANCE)
    assert '<label for="id_password1">New Password</label>' in html


def test_form_errors_are_visible_next_to_their_field(client):
    response = client.post(
        "/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"}
    )

    html = response.content.decode()
    assert re.search(r'<div class="field field-error">\s*<label for="id_email">', html)
    assert 'aria-invalid="true"' in html
    assert '<ul class="errorlist" id="id_email_error">' in html


def test_errors_about_the_whole_form_are_announced(client, customer):
    html = client.post(
        "/accounts/login/", {"login": customer.email, "password": "wrong"}
    ).content.decode()

    assert re.search(
        r'<div class="form-errors" role="alert">\s*<ul class="errorlist nonfield">', html
    )


def test_the_page_title_names_the_page_and_the_shop(client):
    html = client.get("/accounts/login/").content.decode()

    title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
    assert " ".join(title.split()) == "Sign In · Microstore"
