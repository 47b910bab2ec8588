"""The accounts REST API: an API token for an email and password."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.signin import (
    AccountInactive,
    EmailNotVerified,
    InvalidCredentials,
    SignInRefused,
    TooManyAttempts,
    TooManyRequests,
    api_token_obtain,
)


class TokenRequestSerializer(serializers.Serializer[Any]):
    # Not an EmailField: an address that is not well-formed matches no account, and answers so.
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class Refused(exceptions.APIException):
    """A refused sign-in as a problem: its code, title and message; `Retry-After` if any."""

    def __init__(self, refused: SignInRefused) -> None:
        self.status_code = refused.status
        self.default_detail = refused.title
        self.wait = refused.retry_after
        if refused.status == 401:
            self.auth_header = "Token"  # what to send once signed in (RFC 9110 requires one)
        super().__init__(detail=refused.message, code=refused.code)


class TokenView(APIView):
    """Sign in with an email and password for an API token (the same token on every call).

    The sign-in page's limits count here too: failures on either path lock both out."""

    # No session or token is read: nothing but the credentials in the body signs in here.
    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Sign in for an API token",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            401: OpenApiResponse(description=f"`{InvalidCredentials.code}`: wrong email or "
                                 "password (each failure counts toward the limits below)."),
            403: OpenApiResponse(description=f"`{AccountInactive.code}`, or "
                                 f"`{EmailNotVerified.code}` (a fresh link is sent to it)."),
            429: OpenApiResponse(description=f"`{TooManyAttempts.code}`: too many failures "
                                 "for this account or from this address, here or on the sign-in "
                                 f"page; `{TooManyRequests.code}`: too many sign-ins."),
        },
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = api_token_obtain(request=request._request, **data.validated_data)
        except SignInRefused as refused:
            raise Refused(refused) from None
        return Response({"token": token})
