"""`request.user` for every process: Django's own where the users are, the accounts contract's
elsewhere (`microstore.identity`)."""

from __future__ import annotations

from functools import partial

from asgiref.sync import sync_to_async
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from microstore.identity import remote
from microstore.identity.resolve import request_user
from microstore.identity.user import ContractUser


async def _auser(request: HttpRequest) -> ContractUser | AnonymousUser:
    return await sync_to_async(request_user)(request)


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's authentication middleware, unchanged (not one query more) while accounts is in
    this process; with accounts elsewhere, the user comes from the shared session through
    `accounts.identify`, lazily, once per request."""

    def process_request(self, request: HttpRequest) -> None:
        if not remote():
            super().process_request(request)
            return
        if not hasattr(request, "session"):
            super().process_request(request)  # raises its ImproperlyConfigured
        request.user = SimpleLazyObject(lambda: request_user(request))  # type: ignore[assignment]  # duck-typed
        request.auser = partial(_auser, request)  # type: ignore[assignment]  # duck-typed
