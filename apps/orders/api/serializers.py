"""Orders in the REST API."""

from __future__ import annotations

from typing import Any

from django_countries import countries
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from apps.orders.models import Order, OrderEvent, OrderLine, OrderRefund


class OrderLineSerializer(serializers.ModelSerializer[OrderLine]):
    class Meta:
        model = OrderLine
        fields = ("product_id", "sku", "name", "unit_price", "quantity", "line_total")


class TimelineSerializer(serializers.ModelSerializer[OrderEvent]):
    class Meta:
        model = OrderEvent
        fields = ("from_status", "to_status", "reason", "created_at")


class RefundSerializer(serializers.ModelSerializer[OrderRefund]):
    class Meta:
        model = OrderRefund
        fields = ("amount", "created_at")


class OrderSerializer(serializers.ModelSerializer[Order]):
    lines = OrderLineSerializer(many=True, read_only=True)
    refunds = RefundSerializer(many=True, read_only=True)
    timeline = TimelineSerializer(many=True, read_only=True)
    shipping_address = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ("number", "status", "placed_at", "currency", "subtotal", "shipping", "total",
                  "refunded", "refunds", "lines", "shipping_address", "tracking_number",
                  "timeline")  # fmt: skip
        read_only_fields = fields

    def get_shipping_address(self, order: Order) -> dict[str, str]:
        return {
            "full_name": order.ship_full_name, "line1": order.ship_line1,
            "line2": order.ship_line2, "city": order.ship_city,
            "postal_code": order.ship_postal_code, "region": order.ship_region,
            "country": order.ship_country, "phone": order.ship_phone,
        }  # fmt: skip


class CountryCodeField(serializers.ChoiceField):
    """An ISO 3166-1 alpha-2 code of django-countries' list (the address book's), in either
    case; answered in capitals. Names, alpha-3 and numeric codes are refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[code for code, _name in countries], **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return str(super().to_internal_value(data.upper() if isinstance(data, str) else data))


class AddressInputSerializer(serializers.Serializer[dict[str, Any]]):
    full_name = serializers.CharField(max_length=150)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20)
    region = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    country = CountryCodeField()
    phone = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)


class PlaceOrderSerializer(serializers.Serializer[dict[str, Any]]):
    """Ship to a saved address (`address_id`) or to a new one (`address`): exactly one."""

    address_id = serializers.IntegerField(required=False, min_value=1)
    address = AddressInputSerializer(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("address_id" in attrs) == ("address" in attrs):
            raise serializers.ValidationError("give either address_id or address, not both")
        return attrs


class _ToSavedAddress(serializers.Serializer[dict[str, Any]]):
    address_id = serializers.IntegerField(min_value=1, help_text="One of your saved addresses.")


class _ToNewAddress(serializers.Serializer[dict[str, Any]]):
    address = AddressInputSerializer()


# The schema of PlaceOrderSerializer: exactly one of the two, as its validate() demands.
PLACE_ORDER = PolymorphicProxySerializer(
    component_name="PlaceOrder",
    serializers=[_ToSavedAddress, _ToNewAddress],
    resource_type_field_name=None,
)
