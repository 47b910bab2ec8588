"""Who is signed in, as the accounts contract tells other processes: kept by every binding
(local, loopback, HTTP) and by the fake (tests/accounts/fakes.py) that stands in for it.

Users are made with the accounts factories; `known` then tells the fake what the real service
reads from its tables. A session is represented by what Django's sign-in stores in it: the user
id and `get_session_auth_hash()`.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.authtoken.models import Token

from apps.accounts.models import User
from contracts.accounts.dto import IdentityDTO
from tests.accounts.factories import UserFactory
from tests.accounts.fakes import FakeAccounts
from tests.contracts.conftest import implementations

accounts = implementations("accounts", fake=FakeAccounts)
UNKNOWN_ID = 2_000_000_000


def identity_of(user: User) -> IdentityDTO:
    """What accounts should answer for `user`, read from the model itself."""
    user = User.objects.get(pk=user.pk)  # fresh: no permission cache
    rights = tuple(sorted(user.get_all_permissions())) if user.is_active else ()
    flags = (user.is_active, user.is_staff, user.is_superuser)
    return IdentityDTO(user.pk, user.email, user.get_full_name(), *flags, permissions=rights)


def known(accounts, user: User, *, token: str = "") -> None:
    """Tell the fake about `user` as they are now (the real bindings read their tables)."""
    if isinstance(accounts, FakeAccounts):
        accounts.put(identity_of(user), session_auth_hash=user.get_session_auth_hash(), token=token)


def permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_identify_answers_for_the_hash_the_users_password_gives(accounts):
    user = UserFactory(email="grace@example.com", first_name="Grace", last_name="Hopper")
    known(accounts, user)

    identity = accounts.identify(user.pk, user.get_session_auth_hash())

    assert identity == IdentityDTO(
        id=user.pk, email="grace@example.com", name="Grace Hopper", is_active=True,
        is_staff=False, is_superuser=False, permissions=(),
    )  # fmt: skip


def test_identify_carries_staff_rights_as_sorted_permission_strings(accounts):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(permission("catalog.change_product"))
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(permission("catalog.add_product"), permission("orders.view_order"))
    staff.groups.add(editors)
    known(accounts, staff)

    identity = accounts.identify(staff.pk, staff.get_session_auth_hash())

    assert identity is not None
    assert (identity.is_staff, identity.is_superuser) == (True, False)
    assert identity.permissions == (
        "catalog.add_product", "catalog.change_product", "orders.view_order",
    )  # fmt: skip


def test_identify_gives_a_superuser_every_permission(accounts):
    boss = UserFactory(is_staff=True, is_superuser=True)
    known(accounts, boss)

    identity = accounts.identify(boss.pk, boss.get_session_auth_hash())

    assert identity is not None
    assert identity.is_superuser
    assert "catalog.change_product" in identity.permissions
    assert list(identity.permissions) == sorted(identity.permissions)


@pytest.mark.parametrize("forged", ["", "0" * 64, "not-a-hash"])
def test_identify_refuses_a_hash_the_password_does_not_give(accounts, forged):
    user = UserFactory()
    known(accounts, user)

    assert accounts.identify(user.pk, forged) is None


def test_a_password_change_ends_the_sessions_made_before_it(accounts):
    user = UserFactory()
    before = user.get_session_auth_hash()
    user.set_password("another-long-passphrase")
    user.save()
    known(accounts, user)

    assert accounts.identify(user.pk, before) is None
    assert accounts.identify(user.pk, user.get_session_auth_hash()) == identity_of(user)


def test_identify_refuses_an_inactive_user(accounts):
    user = UserFactory(is_active=False)
    known(accounts, user)

    assert accounts.identify(user.pk, user.get_session_auth_hash()) is None


def test_identify_refuses_a_deleted_or_unknown_user(accounts):
    user = UserFactory()
    session_hash = user.get_session_auth_hash()
    known(accounts, user)
    user_id = user.pk
    user.delete()
    if isinstance(accounts, FakeAccounts):
        accounts.remove(user_id)

    assert accounts.identify(user_id, session_hash) is None
    assert accounts.identify(UNKNOWN_ID, session_hash) is None


def test_identify_accepts_a_hash_made_under_a_fallback_secret_key(accounts, settings):
    if isinstance(accounts, FakeAccounts):
        pytest.skip("the fake knows only the hash it was given")
    user = UserFactory()
    old_hash = user._get_session_auth_hash(secret="the-key-before-the-rotation")
    assert accounts.identify(user.pk, old_hash) is None

    settings.SECRET_KEY_FALLBACKS = ["the-key-before-the-rotation"]

    assert accounts.identify(user.pk, old_hash) == identity_of(user)


def test_identify_token_answers_for_the_owner_of_a_token(accounts):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(permission("catalog.change_product"))
    token = Token.objects.create(user=user)
    known(accounts, user, token=token.key)

    identity = accounts.identify_token(token.key)

    assert identity == identity_of(user)
    assert identity is not None
    assert identity.permissions == ("catalog.change_product",)


def test_identify_token_of_an_unknown_key_is_none(accounts):
    user = UserFactory()
    known(accounts, user, token=Token.objects.create(user=user).key)

    assert accounts.identify_token("0" * 40) is None
    assert accounts.identify_token("") is None


def test_identify_token_tells_an_inactive_owner_with_no_rights(accounts):
    user = UserFactory(is_active=False, is_staff=True)
    user.user_permissions.add(permission("catalog.change_product"))
    token = Token.objects.create(user=user)
    known(accounts, user, token=token.key)

    identity = accounts.identify_token(token.key)

    assert identity is not None
    assert (identity.id, identity.is_active, identity.permissions) == (user.pk, False, ())


def test_identities_are_read_only_and_idempotent(accounts):
    user = UserFactory()
    token = Token.objects.create(user=user)
    known(accounts, user, token=token.key)
    session_hash = user.get_session_auth_hash()

    assert accounts.identify(user.pk, session_hash) == accounts.identify(user.pk, session_hash)
    assert accounts.identify_token(token.key) == accounts.identify_token(token.key)
