"""Reads of the accounts app. Views and the facade read through here, never through models.

`address_for_user` is the one place that decides whether an address id may be used by someone:
every view and the facade call it, so the rule is written (and tested) once. `session_user` and
`token_owner` are the same for who is signed in, when another process asks (the facade's
`identify`): the rules are Django's own, applied here because only accounts has the users.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.crypto import constant_time_compare
from rest_framework.authtoken.models import Token

from apps.accounts.models import Address, User

UserRef = User | AnonymousUser | int


def _user_id(user: UserRef) -> int | None:
    if isinstance(user, int) and not isinstance(user, bool):
        return user
    if isinstance(user, User) and user.is_authenticated:
        return user.pk
    return None


def address_list(*, user: UserRef) -> QuerySet[Address]:
    """The user's addresses, the default first, then the newest first (one query)."""
    user_id = _user_id(user)
    if user_id is None:
        return Address.objects.none()
    return Address.objects.filter(user_id=user_id).order_by("-is_default", "-created_at", "-id")


def address_for_user(user: UserRef, address_id: Any) -> Address:
    """The address `address_id` if, and only if, it belongs to `user`.

    `user` is a User (anonymous users own nothing) or a user id; `address_id` may come straight
    from a URL or a form. Unknown, malformed and other people's ids all raise the same Http404,
    so the answer never reveals that someone else's address exists.
    """
    user_id = _user_id(user)
    try:
        pk = int(address_id)
    except (TypeError, ValueError):
        pk = None
    if user_id is None or pk is None or isinstance(address_id, bool):
        raise Http404("No such address.")
    try:
        return Address.objects.get(pk=pk, user_id=user_id)
    except Address.DoesNotExist:
        raise Http404("No such address.") from None


def email_verified() -> Exists:
    """An annotation: the user proved they own the email address they sign in with."""
    return Exists(
        EmailAddress.objects.filter(
            user_id=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
        )
    )


def customers_with_verification(queryset: QuerySet[User] | None = None) -> QuerySet[User]:
    """Users annotated with `email_verified` (a subquery: no query per row)."""
    base = User.objects.all() if queryset is None else queryset
    return base.annotate(email_verified=email_verified())


def customer_with_default_address(*, customer_id: int) -> tuple[User, Address | None] | None:
    """The user (annotated with `email_verified`) and their default address, in one query;
    None when no user has this id."""
    user = (
        customers_with_verification()
        .annotate(
            default_address=FilteredRelation("addresses", condition=Q(addresses__is_default=True))
        )
        .select_related("default_address")  # type: ignore[misc]  # stubs miss FilteredRelation
        .filter(pk=customer_id)
        .order_by()  # one row: the default ordering would only cost its compiling, a third
        .first()
    )
    if user is None:
        return None
    # The LEFT JOIN sets the attribute only when a default address exists.
    return user, getattr(user, "default_address", None)


def customer_exists(*, customer_id: int) -> bool:
    return User.objects.filter(pk=customer_id).exists()


def session_user(*, user_id: int, session_auth_hash: str) -> User | None:
    """The user a session signed in as `user_id` stands for, or None when it must not count.

    Django's rules (`django.contrib.auth.get_user` with the model backend): the user exists and
    is active, and the session's auth hash is the one their password gives now, or gave under a
    key of SECRET_KEY_FALLBACKS. A password change, a deactivation or a deletion therefore ends
    every session of that user; an empty or made-up hash never counts.
    """
    if not session_auth_hash:
        return None
    try:
        user = User.objects.get(pk=user_id, is_active=True)
    except User.DoesNotExist:
        return None
    if constant_time_compare(session_auth_hash, user.get_session_auth_hash()):
        return user
    fallbacks = user.get_session_auth_fallback_hash()
    if any(constant_time_compare(session_auth_hash, other) for other in fallbacks):
        return user
    return None


def token_owner(*, token: str) -> User | None:
    """The owner of the API token `token` (active or not), or None when no token has it."""
    found = Token.objects.select_related("user").filter(key=token).order_by().first()
    return found.user if found is not None else None


def permission_names(user: User) -> tuple[str, ...]:
    """Every permission of an active user, their own and their groups' (all of them for a
    superuser), as sorted "app_label.codename" strings; none for an inactive one."""
    if not user.is_active:
        return ()
    return tuple(sorted(user.get_all_permissions()))
