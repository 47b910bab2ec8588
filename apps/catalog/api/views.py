"""The catalog REST API: products and categories, read by anyone, written by staff."""

from __future__ import annotations

from django.db.models import ProtectedError, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ErrorDetail
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from apps.catalog import selectors
from apps.catalog.api.serializers import CategorySerializer, ProductSerializer
from apps.catalog.forms import SORT_CHOICES, ProductFilterForm
from apps.catalog.models import Category, Product
from apps.catalog.services.products import product_delete
from contracts.kernel.errors import Conflict


class StaffWritesOnly(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_staff)


class Pages(PageNumberPagination):
    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100


class IdOrSlugMixin:
    """Detail URLs take the numeric id or the slug: /products/42/ or /products/mug/."""

    lookup_field = "pk"
    lookup_value_regex = r"[^/]+"

    def get_object(self):  # type: ignore[no-untyped-def]
        value = self.kwargs["pk"]  # type: ignore[attr-defined]
        lookup = {"pk": int(value)} if value.isdigit() else {"slug": value}
        obj = self.filter_queryset(self.get_queryset()).filter(**lookup).first()  # type: ignore[attr-defined]
        if obj is None:
            raise Http404
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Full-text search in name, SKU and description"),
    OpenApiParameter("category", str, description="Category slug (includes sub-categories)"),
    OpenApiParameter("min_price", OpenApiTypes.DECIMAL),
    OpenApiParameter("max_price", OpenApiTypes.DECIMAL),
    OpenApiParameter("in_stock", bool, description="Only products with stock available"),
    OpenApiParameter("sort", str, enum=[value for value, _ in SORT_CHOICES if value]),
]


@extend_schema_view(list=extend_schema(parameters=FILTER_PARAMETERS))
class ProductViewSet(IdOrSlugMixin, viewsets.ModelViewSet[Product]):
    """Products. Anyone reads products on sale; staff read all and write."""

    serializer_class = ProductSerializer
    permission_classes = (StaffWritesOnly,)
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Product]:
        base = Product.objects.all() if self.request.user.is_staff else None
        if self.action != "list":
            return selectors.with_availability(
                base if base is not None else Product.objects.filter(is_active=True)
            )
        form = ProductFilterForm(self.request.query_params, categories=selectors.category_tree())
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    name: [ErrorDetail(e["message"], code=e["code"]) for e in errors]
                    for name, errors in form.errors.get_json_data().items()
                }
            )
        return selectors.product_list(form.filters(), base=base)

    def perform_destroy(self, instance: Product) -> None:
        product_delete(product=instance)


class CategoryViewSet(IdOrSlugMixin, viewsets.ModelViewSet[Category]):
    """The category tree (flat, parents by slug). Anyone reads; staff write."""

    serializer_class = CategorySerializer
    permission_classes = (StaffWritesOnly,)
    pagination_class = Pages
    queryset = Category.objects.select_related("parent").order_by("position", "name")

    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        try:
            return super().destroy(request, *args, **kwargs)
        except ProtectedError:
            raise Conflict(
                "this category still holds products or sub-categories: move them first"
            ) from None
