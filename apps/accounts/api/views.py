"""The accounts REST API: an API token for an email and password."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.signin import SignInRefused, api_token_obtain


class TokenRequestSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class Refused(exceptions.APIException):
    """A refused sign-in as a problem: its code, title and message; `Retry-After` if any."""

    def __init__(self, refused: SignInRefused) -> None:
        self.status_code = refused.status
        self.default_detail = refused.title
        self.wait = refused.retry_after
        super().__init__(detail=refused.message, code=refused.code)


class TokenView(APIView):
    """Sign in with an email and password for an API token (the same token on every call).

    The sign-in page's limits count here too: failures on either path lock both out."""

    # No session or token is read: nothing but the credentials in the body signs in here.
    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = api_token_obtain(request=request._request, **data.validated_data)
        except SignInRefused as refused:
            raise Refused(refused) from None
        return Response({"token": token})
