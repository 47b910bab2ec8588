"""API endpoints of the composition root: the service registry."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from microstore.ops import probes


class ServiceListView(APIView):
    """Every service: binding, version and a fresh answer to its health probe (staff only)."""

    permission_classes = (permissions.IsAdminUser,)

    @extend_schema(
        operation_id="service_list",
        summary="List the services, each with a fresh health probe",
        responses=inline_serializer(
            "Service",
            {
                "service": serializers.CharField(),
                "binding": serializers.CharField(),
                "version": serializers.CharField(),
                "ok": serializers.BooleanField(),
                "detail": serializers.CharField(),
                "checked_at": serializers.DateTimeField(),
                "seconds": serializers.FloatField(),
            },
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        return Response([asdict(probe) for probe in probes.services()])
