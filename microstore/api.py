"""API endpoints of the composition root: the service registry."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from microstore.ops import probes


class ServiceSerializer(serializers.Serializer[Any]):
    """One entry of the service registry (documentation of `probes.Probe` for the schema)."""

    service = serializers.CharField(help_text="The service's name, e.g. `catalog`.")
    binding = serializers.CharField(
        help_text="The binding as configured: `local`, `loopback` or the base URL."
    )
    transport = serializers.ChoiceField(
        choices=("local", "loopback", "http"),
        help_text="`local`: the in-process facade; `loopback`: the transport's code in-process; "
        "`http`: another process.",
    )
    address = serializers.CharField(
        help_text="Where the service answers: its base URL, or `in-process`."
    )
    version = serializers.CharField(
        help_text="The contract version the service answered with (`?` when it did not answer)."
    )
    build = serializers.CharField(
        help_text="The build the service runs, as its health answer said (`?` when it did not "
        "answer)."
    )
    ok = serializers.BooleanField(
        help_text="False when the service is unhealthy, does not answer, or speaks an "
        "incompatible major version of the contract."
    )
    detail = serializers.CharField(help_text="What the probe found, in words.")
    checked_at = serializers.DateTimeField(help_text="When the probe was taken.")
    seconds = serializers.FloatField(help_text="How long the probe took (its latency).")


class ServiceListView(APIView):
    """Every service: binding, address, version, build and a fresh health probe (staff only)."""

    permission_classes = (permissions.IsAdminUser,)

    @extend_schema(
        operation_id="service_list",
        summary="List the services, each with a fresh health probe",
        responses=ServiceSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(ServiceSerializer(probes.services(), many=True).data)
