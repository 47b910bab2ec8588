"""The catalog REST API: products and categories, read by anyone, written by staff."""

from __future__ import annotations

from django.db.models import ProtectedError, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from apps.catalog import selectors
from apps.catalog.api.filters import ProductFilters
from apps.catalog.api.serializers import CategorySerializer, ProductSerializer
from apps.catalog.models import Category, Product
from apps.catalog.services.products import product_delete
from contracts.kernel.errors import Conflict


class StaffWritesOnly(permissions.IsAuthenticatedOrReadOnly):
    """Anyone reads; only staff write. (A subclass of IsAuthenticatedOrReadOnly, so that the
    schema knows reads need no credentials.)"""

    def has_permission(self, request: Request, view: object) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_staff)


class IdOrSlugMixin:
    """Detail URLs take the numeric id or the slug: /products/42/ or /products/mug/."""

    lookup_field = "pk"
    lookup_value_regex = r"[^/]+"

    def get_object(self):  # type: ignore[no-untyped-def]
        value = self.kwargs["pk"]  # type: ignore[attr-defined]
        # An id is a few ASCII digits (`"²".isdigit()` is true; a 30-digit id overflows).
        is_id = value.isascii() and value.isdigit() and len(value) <= 18
        lookup = {"pk": int(value)} if is_id else {"slug": value}
        obj = self.filter_queryset(self.get_queryset()).filter(**lookup).first()  # type: ignore[attr-defined]
        if obj is None:
            raise Http404
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                description="`conflict`: past checkouts hold it; take it off sale instead."
            ),
        }  # fmt: skip
    )
)
class ProductViewSet(IdOrSlugMixin, viewsets.ModelViewSet[Product]):
    """Products. Anyone reads products on sale; staff read all and write."""

    serializer_class = ProductSerializer
    permission_classes = (StaffWritesOnly,)
    filter_backends = (ProductFilters,)

    def get_queryset(self) -> QuerySet[Product]:
        base = Product.objects.all() if self.request.user.is_staff else None
        if self.action == "list":  # ProductFilters filters, sorts and adds availability
            return base if base is not None else Product.objects.filter(is_active=True)
        return selectors.with_availability(
            base if base is not None else Product.objects.filter(is_active=True)
        )

    def perform_destroy(self, instance: Product) -> None:
        product_delete(product=instance)


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                description="`conflict`: it still holds "
                "products or sub-categories; move them first."
            ),
        }  # fmt: skip
    )
)
class CategoryViewSet(IdOrSlugMixin, viewsets.ModelViewSet[Category]):
    """The category tree (flat, parents by slug). Anyone reads; staff write."""

    serializer_class = CategorySerializer
    permission_classes = (StaffWritesOnly,)
    queryset = Category.objects.select_related("parent").order_by("position", "name")

    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        try:
            return super().destroy(request, *args, **kwargs)
        except ProtectedError:
            raise Conflict(
                "this category still holds products or sub-categories: move them first"
            ) from None
