"""Every list endpoint's pagination, and the one place its query is checked.

DRF's page number pagination quietly falls back to the default page size for `page_size=null`
or `page_size=-3`, clamps `page_size=1000`, and answers `page=abc` with 404. Here a malformed
or out-of-range value is a 400 problem naming the parameter, and so is any query parameter
that the list does not document (`ordering=foo`): a client learns of its mistake instead of
getting a result for a question it did not ask.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

# DRF's content negotiation reads `format` on every endpoint (`?format=json`).
ALWAYS_KNOWN = frozenset({"format"})


class Pages(PageNumberPagination):
    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        refuse_unknown_parameters(request, view, own=self.get_schema_operation_parameters(view))
        self._page_number = _whole_number(request, self.page_query_param, maximum=None) or 1
        return super().paginate_queryset(queryset, request, view)

    def get_page_number(self, request: Request, paginator: Any) -> int:
        return self._page_number

    def get_page_size(self, request: Request) -> int:
        size = _whole_number(request, self.page_size_query_param, maximum=self.max_page_size)
        return size or self.page_size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1. A page past the last answers 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def _whole_number(request: Request, name: str, *, maximum: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    highest = f" to {maximum}" if maximum else " or more"
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= (maximum or int(raw)):
        raise serializers.ValidationError(
            {name: [f"Give a whole number from 1{highest}, not {raw[:20]!r}."]}, code="invalid"
        )
    return int(raw)


def refuse_unknown_parameters(
    request: Request, view: APIView | None, *, own: list[dict[str, Any]]
) -> None:
    """400 naming every query parameter that neither the pagination nor the view's filter
    backends document (their `get_schema_operation_parameters`, the schema's own source)."""
    known = set(ALWAYS_KNOWN) | {p["name"] for p in own}
    for backend in getattr(view, "filter_backends", ()):
        known |= {p["name"] for p in backend().get_schema_operation_parameters(view)}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise serializers.ValidationError(
            {name: ["This list has no such parameter."] for name in unknown}, code="unknown"
        )
