"""Signed in once, signed in on every process (microstore.identity).

"Remote" is a process where accounts runs elsewhere: `IDENTITY_REMOTE` on, sessions in the
shared cache, `request.user` resolved through the accounts contract. The accounts side of each
test (sign-in, password change) runs with it off, as the accounts process would. The contract is
bound `loopback` as in the whole suite (the facade behind the codec and the server code), to the
fake where a test counts the questions asked, and over real HTTP to a live server where the test
proves that no query of the process touches the user's tables.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apps.accounts.models import User
from apps.catalog.models import Product
from contracts.accounts.dto import IdentityDTO
from contracts.kernel.registry import registry
from microstore.identity.user import ContractUser
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.fakes import FakeAccounts
from tests.catalog.factories import ProductFactory
from tests.catalog.test_admin import change_form
from tests.contracts.test_accounts_identity import identity_of
from tests.microstore.remotes import bound_to, dead_url

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
SIGNED_IN = b">Account</a>"
SIGNED_OUT = b">Sign in</a>"


@pytest.fixture(autouse=True)
def _shared_sessions(settings):
    """Sessions where every process of a split shop finds them."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SESSION_CACHE_ALIAS = "shared"


@pytest.fixture
def remote(settings):
    """Switch this process to "accounts is elsewhere"; `remote(False)` plays the accounts
    process for a moment, `remote()` this one again."""
    settings.IDENTITY_REMOTE = True

    def switch(on: bool = True) -> None:
        settings.IDENTITY_REMOTE = on

    return switch


def session_for(client, **data) -> str:
    """Put a session in the shared store with `data`, as if some process had written it."""
    store = import_module(django_settings.SESSION_ENGINE).SessionStore()
    for key, value in data.items():
        store[key] = value
    store.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = store.session_key
    return store.session_key


def session_exists(key: str) -> bool:
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(key)


def signed_in_session(
    client, user: User, *, session_hash: str | None = None, backend: str = BACKEND, user_id=None
) -> str:
    """A session as Django's sign-in writes it (each part replaceable, to forge one)."""
    return session_for(
        client,
        **{
            SESSION_KEY: str(user.pk) if user_id is None else user_id,
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash()
            if session_hash is None
            else session_hash,
        },
    )


def test_a_session_made_by_the_accounts_sign_in_is_signed_in_on_another_process(client, remote):
    UserFactory(email="ada@example.com")
    remote(False)  # the accounts process: allauth's own sign-in page
    response = client.post("/accounts/login/", {"login": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 302

    remote()  # another process: the same cookie, the user from the contract
    page = client.get("/")

    assert page.status_code == 200
    assert SIGNED_IN in page.content
    assert SIGNED_OUT not in page.content
    user = page.wsgi_request.user
    assert isinstance(user._wrapped, ContractUser)
    assert (user.pk, user.email, user.is_authenticated) == (
        User.objects.get().pk, "ada@example.com", True,
    )  # fmt: skip


def test_the_monolith_still_reads_its_own_users(client, settings):
    assert settings.IDENTITY_REMOTE is False
    user = UserFactory()
    client.force_login(user)

    page = client.get("/")

    assert isinstance(page.wsgi_request.user._wrapped, User)
    assert SIGNED_IN in page.content


def test_a_forged_cookie_is_anonymous_and_asks_accounts_nothing(client, remote):
    fake = FakeAccounts()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "x" * 32

    with registry.override("accounts", fake):
        page = client.get("/")

    assert SIGNED_OUT in page.content
    assert fake.calls == []


@pytest.mark.parametrize(
    "hash_of", [lambda u: "0" * 64, lambda u: "", lambda u: u.get_session_auth_hash()[:-1]],
    ids=["made-up", "empty", "truncated"],
)  # fmt: skip
def test_a_session_whose_hash_accounts_refuses_is_anonymous_and_flushed(client, remote, hash_of):
    user = UserFactory()
    key = signed_in_session(client, user, session_hash=hash_of(user))

    page = client.get("/")

    assert SIGNED_OUT in page.content
    assert not session_exists(key)  # as Django flushes a session whose hash does not match


def test_a_session_of_an_unknown_backend_or_a_malformed_id_is_anonymous(client, remote):
    user = UserFactory()
    for forged in (
        {"backend": "evil.Backend"},
        {"user_id": "1 OR 1=1"},
        {"user_id": str(2**70)},
    ):
        signed_in_session(client, user, **forged)
        assert SIGNED_OUT in client.get("/").content, forged


def test_an_expired_session_is_anonymous(client, remote):
    user = UserFactory()
    key = signed_in_session(client, user)
    store = import_module(django_settings.SESSION_ENGINE).SessionStore(key)
    store.set_expiry(timezone.now() - timedelta(seconds=1))
    store.save()

    assert SIGNED_OUT in client.get("/").content


def test_an_inactive_or_deleted_user_is_signed_out_everywhere(client, remote):
    user = UserFactory()
    signed_in_session(client, user)
    assert SIGNED_IN in client.get("/").content

    User.objects.filter(pk=user.pk).update(is_active=False)
    client.get("/")  # still the cached answer at most IDENTITY_CACHE_SECONDS
    caches["shared"].clear()  # …then it runs out
    assert SIGNED_OUT in client.get("/").content

    other = UserFactory()
    signed_in_session(client, other)
    other.delete()
    assert SIGNED_OUT in client.get("/").content


def test_a_password_change_ends_other_sessions_once_the_cached_answer_runs_out(
    client, remote, settings
):
    settings.IDENTITY_CACHE_SECONDS = 1
    fake = FakeAccounts()
    user = UserFactory()
    fake.put(identity_of(user), session_auth_hash=user.get_session_auth_hash())
    signed_in_session(client, user)

    with registry.override("accounts", fake):
        assert SIGNED_IN in client.get("/").content
        assert SIGNED_IN in client.get("/").content
        assert fake.calls == [f"identify {user.pk}"]  # the second page used the cached answer

        user.set_password("changed-on-another-device")  # accounts knows the new hash only
        fake.put(identity_of(user), session_auth_hash=user.get_session_auth_hash())
        assert SIGNED_IN in client.get("/").content  # within the cache's lifetime
        time.sleep(1.05)
        assert SIGNED_OUT in client.get("/").content
    assert len(fake.calls) == 2


def test_signing_out_on_the_accounts_process_signs_out_everywhere_at_once(client, remote):
    user = UserFactory()
    client.force_login(user)
    assert SIGNED_IN in client.get("/").content

    remote(False)
    client.post("/accounts/logout/")
    remote()

    assert SIGNED_OUT in client.get("/").content


def test_when_accounts_is_down_the_page_is_served_anonymous_and_the_session_kept(client, remote):
    user = UserFactory()
    key = signed_in_session(client, user)

    with bound_to("accounts", dead_url()):
        page = client.get("/")

    assert page.status_code == 200
    assert SIGNED_OUT in page.content
    assert session_exists(key)
    assert SIGNED_IN in client.get("/").content  # back: signed in again, no new sign-in


def test_login_required_pages_and_the_session_api_see_the_remote_user(client, remote):
    user = UserFactory()
    assert client.get("/orders/").status_code == 302  # to the sign-in page
    signed_in_session(client, user)

    assert client.get("/orders/").status_code == 200
    api = client.get("/api/v1/orders/")
    assert api.status_code == 200
    assert api.json()["results"] == []


def test_api_tokens_are_resolved_through_accounts(client, remote):
    user = UserFactory()
    token = Token.objects.create(user=user)
    inactive = Token.objects.create(user=UserFactory(is_active=False))

    def orders(key: str):
        return client.get("/api/v1/orders/", headers={"Authorization": f"Token {key}"})

    assert orders(token.key).status_code == 200
    assert orders("0" * 40).status_code == 401
    refused = orders(inactive.key)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "User inactive or deleted."
    with bound_to("accounts", dead_url()):
        down = orders("1" * 40)
    assert down.status_code == 503
    assert down.json()["code"] == "unavailable"


@pytest.fixture
def editor() -> User:
    """Staff allowed to see and change products, and nothing else."""
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="catalog", codename__in=["view_product", "change_product"]
        )
    )
    return staff


def change_product(client, product: Product, **changes):
    url, data = change_form(client, product, on_hand=5)
    return client.post(url, data | changes)


def test_staff_change_a_product_in_the_admin_logged_by_their_id(client, remote, editor, caplog):
    product = ProductFactory(name="Old name", stock=5)
    signed_in_session(client, editor)

    index = client.get("/admin/")
    with caplog.at_level(logging.INFO, logger="microstore.admin"):
        response = change_product(client, product, name="New name")

    assert index.status_code == 200
    assert b"writes its staff actions to its logs" in index.content
    assert response.status_code == 302, response.content
    assert Product.objects.get(pk=product.pk).name == "New name"
    assert not LogEntry.objects.exists()
    [line] = [r for r in caplog.records if r.name == "microstore.admin"]
    assert (line.staff_id, line.admin_action, line.object) == (
        editor.pk, "changed", f"catalog.product:{product.pk}",
    )  # fmt: skip
    history = client.get(f"/admin/catalog/product/{product.pk}/history/")
    assert history.status_code == 200
    assert b"keeps its staff actions in its logs" in history.content
    assert client.get("/admin/catalog/category/").status_code == 403  # no right to categories


def test_the_admin_sends_staff_to_the_shops_sign_in(client, remote):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"

    login = client.get("/admin/login/?next=/admin/catalog/")
    assert login.status_code == 302
    assert login["Location"] == "/accounts/login/?next=/admin/catalog/"

    elsewhere = client.get("/admin/login/?next=https://evil.example/")
    assert elsewhere["Location"] == "/accounts/login/?next=/admin/"


def test_a_shopper_in_the_admin_is_refused_without_a_sign_in_loop(client, remote):
    signed_in_session(client, UserFactory())

    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_staff_signed_in_on_the_admin_login_go_on_and_change_password_on_the_shop(
    client, remote, editor
):
    signed_in_session(client, editor)

    assert client.get("/admin/login/?next=/admin/catalog/")["Location"] == "/admin/catalog/"
    password = client.get("/admin/password_change/")
    assert password.status_code == 302
    assert password["Location"] == "/accounts/password/change/"


@contextmanager
def queries_of_this_thread() -> Iterator[list[str]]:
    """The SQL this thread runs (on SQLite the live server's thread shares the connection, so
    CaptureQueriesContext would count the accounts side's queries too)."""
    me, seen = threading.get_ident(), []

    def record(execute, sql, params, many, context):
        if threading.get_ident() == me:
            seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


@pytest.mark.django_db(transaction=True)
def test_over_http_no_query_of_this_process_reads_the_users_tables(
    client, remote, editor, live_server
):
    product = ProductFactory(stock=5)
    signed_in_session(client, editor)
    token = Token.objects.create(user=editor)

    with bound_to("accounts", live_server.url), queries_of_this_thread() as sql:
        home = client.get("/")
        page = client.get(f"/p/{product.slug}/")
        orders = client.get("/api/v1/orders/", headers={"Authorization": f"Token {token.key}"})
        changed = change_product(client, product, name="Renamed over HTTP")

    assert (home.status_code, page.status_code, orders.status_code) == (200, 200, 200)
    assert SIGNED_IN in home.content
    assert changed.status_code == 302
    assert any("catalog_product" in query for query in sql)  # the recorder saw this process
    for table in ("accounts_", "auth_", "authtoken_", "account_email", "django_session",
                  "django_admin_log"):  # fmt: skip
        assert not [query for query in sql if table in query], table


def test_signing_out_of_the_admin_ends_the_shared_session(client, remote, editor):
    key = signed_in_session(client, editor)

    response = client.post("/admin/logout/")

    assert response.status_code == 200
    assert not session_exists(key)
    assert SIGNED_OUT in client.get("/").content


def test_a_contract_users_rights_follow_the_model_backend():
    def user(**flags) -> ContractUser:
        base = {"is_active": True, "is_staff": True, "is_superuser": False}
        return ContractUser(IdentityDTO(3, "s@example.com", "Sam", **(base | flags),
                                        permissions=("catalog.change_product",)))  # fmt: skip

    staff, inactive, boss = user(), user(is_active=False), user(is_superuser=True)

    assert staff.has_perm("catalog.change_product")
    assert not staff.has_perm("catalog.delete_product")
    assert not staff.has_perm("catalog.change_product", obj=object())  # no per-object rights
    assert (staff.has_module_perms("catalog"), staff.has_module_perms("orders")) == (True, False)
    assert staff.has_perms(["catalog.change_product"])
    with pytest.raises(ValueError, match="iterable"):
        staff.has_perms("catalog.change_product")
    assert not inactive.has_perm("catalog.change_product")
    assert inactive.get_all_permissions() == set()
    assert boss.has_perm("orders.delete_order")
    assert boss.has_module_perms("orders")
    assert (staff.pk, staff.get_username(), str(staff), staff.is_authenticated) == (
        3, "s@example.com", "s@example.com", True,
    )  # fmt: skip
    assert staff == user(is_staff=False)  # the same person
    assert len({staff, boss}) == 1
