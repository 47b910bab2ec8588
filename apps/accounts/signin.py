"""Signing in with a password for an API token, under the sign-in form's own rules.

One limit guards every way in: the token endpoint runs allauth's own login form (so the
`login_failed` limits, per client address and per account, count the failures of both paths
in one place), consumes the `login` limit as the sign-in page does, and refuses what the
form's login stages refuse: an inactive account, and an unverified email address while
verification is mandatory (which, as on the page, sends a fresh verification link).
"""

from __future__ import annotations

import math
import time
from typing import ClassVar

from allauth.account import app_settings as allauth_account
from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm
from allauth.account.internal.flows.email_verification import send_verification_email_at_login
from allauth.account.models import Login
from allauth.account.utils import has_verified_email
from allauth.core import ratelimit
from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.authtoken.models import Token


class SignInRefused(Exception):
    """No token: `code` is stable, `retry_after` (seconds) is set when waiting will help."""

    code: ClassVar[str]
    status: ClassVar[int]
    title: ClassVar[str]

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class InvalidCredentials(SignInRefused):
    code, status, title = "invalid_credentials", 401, "The email or password is not correct."


class TooManyRequests(SignInRefused):
    code, status, title = "too_many_requests", 429, "Too many sign-in requests."


class TooManyAttempts(SignInRefused):
    code, status, title = "too_many_login_attempts", 429, "Too many failed sign-in attempts."


class AccountInactive(SignInRefused):
    code, status, title = "account_inactive", 403, "This account is inactive."


class EmailNotVerified(SignInRefused):
    code, status, title = "email_not_verified", 403, "The email address is not verified yet."


def api_token_obtain(*, request: HttpRequest, email: str, password: str) -> str:
    """The account's API token (made on first use) for a correct email and password.

    Raises a `SignInRefused` subclass; every failed attempt counts toward the limits that the
    sign-in page also counts.
    """
    if not ratelimit.consume(request, action="login"):
        raise TooManyRequests(
            "Too many sign-in requests from your address: wait a minute, then try again.",
            retry_after=_retry_after(request, "login"),
        )
    form = LoginForm(data={"login": email, "password": password}, request=request)
    if not form.is_valid():
        if _has_error(form, "too_many_login_attempts"):
            # allauth's own key for this login's counter (private, pinned by the API tests).
            key = get_adapter(request)._get_login_attempts_cache_key(request, email=email)
            raise TooManyAttempts(
                "Too many failed sign-in attempts: wait, then try again.",
                retry_after=_retry_after(request, "login_failed", key=key),
            )
        raise InvalidCredentials(
            str(get_adapter(request).error_messages["email_password_mismatch"])
        )
    user = form.user
    if not user.is_active:
        raise AccountInactive("This account is inactive.")
    verification = allauth_account.EMAIL_VERIFICATION
    if verification is allauth_account.EmailVerificationMethod.MANDATORY and not (
        has_verified_email(user, email)
    ):
        # As the sign-in page does: a fresh link (allauth limits how often it sends one).
        send_verification_email_at_login(request, Login(user=user, email=email))
        raise EmailNotVerified(
            f"Confirm {email} first: follow the link we have just sent there, then ask again."
        )
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def _has_error(form: LoginForm, code: str) -> bool:
    return any(error.code == code for errors in form.errors.as_data().values() for error in errors)


def _retry_after(request: HttpRequest, action: str, *, key: str | None = None) -> int:
    """Seconds until every exhausted limit of `action` admits one more attempt.

    allauth keeps, per limit, the times of the attempts it counted (newest first) and forgets
    each after the limit's duration.
    """
    now = time.time()
    wait = 1.0
    for rate in get_rates(app="allauth.account", action=action):
        if rate.per == "key" and key is None:
            continue
        cache_key = get_cache_key(request, app="allauth.account", action=action, rate=rate, key=key)
        history = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
        if len(history) >= rate.amount:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)
