"""How products and categories look in the REST API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from apps.catalog.models import Category, Product, Stock
from apps.catalog.services.products import product_create, product_update


class CategorySerializer(serializers.ModelSerializer[Category]):
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Category
        fields = ("id", "name", "slug", "parent", "description", "position")


class ProductSerializer(serializers.ModelSerializer[Product]):
    """A product; staff may write it (`on_hand` sets the stock counted on the shelf)."""

    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), allow_null=True, required=False
    )
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    available = serializers.IntegerField(read_only=True)
    on_hand = serializers.IntegerField(
        min_value=0, max_value=Stock.MAX_ON_HAND, required=False, write_only=True
    )
    image_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ("id", "sku", "name", "slug", "description", "category", "price", "currency",
                  "is_active", "is_featured", "available", "on_hand", "image_url", "url",
                  "created_at", "updated_at")  # fmt: skip
        read_only_fields = ("created_at", "updated_at")
        extra_kwargs = {"slug": {"required": False}}

    def get_image_url(self, obj: Product) -> str | None:
        return obj.image.url if obj.image else None

    def get_url(self, obj: Product) -> str:
        return obj.get_absolute_url()

    def create(self, validated_data: dict[str, Any]) -> Product:
        with _as_api_errors():
            product = product_create(**validated_data)
        product.available = product.stock.available  # type: ignore[attr-defined]
        return product

    def update(self, instance: Product, validated_data: dict[str, Any]) -> Product:
        with _as_api_errors():
            product = product_update(product=instance, **validated_data)
        product.stock.refresh_from_db()
        product.available = product.stock.available  # type: ignore[attr-defined]
        return product


class _as_api_errors:  # noqa: N801  # used as a context manager
    """Model validation (full_clean) errors as DRF validation errors, i.e. problem+json 400."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> bool:
        if isinstance(error, DjangoValidationError):
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            raise serializers.ValidationError(detail) from error
        return False
