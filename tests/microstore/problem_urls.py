"""The real URLs plus two API views that fail on purpose, for the problem+json tests."""

from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.kernel.errors import Conflict
from microstore.urls import handler400, handler403, handler404, handler500  # noqa: F401
from microstore.urls import urlpatterns as shop_urls


class AddressSerializer(serializers.Serializer):
    city = serializers.CharField(max_length=20)
    lines = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)


class EchoAddress(APIView):
    permission_classes = (AllowAny,)
    authentication_classes = ()

    def post(self, request):
        serializer = AddressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=201)


class Busy(APIView):
    permission_classes = (AllowAny,)

    def get(self, request):
        raise Conflict("the cart changed meanwhile", details={"version": 3})


class Broken(APIView):
    permission_classes = (AllowAny,)

    def get(self, request):
        raise RuntimeError("a bug")


urlpatterns = [
    path("api/v1/test/echo/", EchoAddress.as_view()),
    path("api/v1/test/busy/", Busy.as_view()),
    path("api/v1/test/broken/", Broken.as_view()),
    *shop_urls,
]
