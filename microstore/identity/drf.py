"""DRF's token authentication, the token resolved through the accounts contract where the
token table is not (`microstore.identity`): same header, same answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from contracts.kernel.errors import ContractError, Unavailable
from microstore.identity import remote
from microstore.identity.resolve import token_user


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``. With accounts elsewhere `request.auth` is the key (there
    is no Token row to hand); when accounts does not answer the call is a 503, never a 401."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if not remote():
            return super().authenticate_credentials(key)
        try:
            user = token_user(key)
        except Unavailable:
            raise
        except ContractError as exc:
            raise Unavailable(details={"service": "accounts"}) from exc
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (user, key)
