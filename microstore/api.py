"""API endpoints of the composition root: the service registry."""

from __future__ import annotations

from typing import cast

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.kernel.registry import registry
from contracts.kernel.service import Service


class ServiceListView(APIView):
    """Every service with its binding and the answer to its health probe (staff only)."""

    permission_classes = (permissions.IsAdminUser,)

    @extend_schema(
        responses=inline_serializer(
            "Service",
            {
                "service": serializers.CharField(),
                "binding": serializers.CharField(),
                "version": serializers.CharField(),
                "ok": serializers.BooleanField(),
                "detail": serializers.CharField(),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        rows = []
        for name, binding in registry.bindings().items():
            health = cast(Service, registry.resolve(name)).health()
            rows.append(
                {
                    "service": name,
                    "binding": binding.kind,
                    "version": health.version,
                    "ok": health.ok,
                    "detail": health.detail,
                }
            )
        return Response(rows)
