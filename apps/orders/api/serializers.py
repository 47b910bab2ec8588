"""Orders in the REST API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from apps.orders.models import Order, OrderEvent, OrderLine


class OrderLineSerializer(serializers.ModelSerializer[OrderLine]):
    class Meta:
        model = OrderLine
        fields = ("product_id", "sku", "name", "unit_price", "quantity", "line_total")


class TimelineSerializer(serializers.ModelSerializer[OrderEvent]):
    class Meta:
        model = OrderEvent
        fields = ("from_status", "to_status", "reason", "created_at")


class OrderSerializer(serializers.ModelSerializer[Order]):
    lines = OrderLineSerializer(many=True, read_only=True)
    timeline = TimelineSerializer(many=True, read_only=True)
    shipping_address = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ("number", "status", "placed_at", "currency", "subtotal", "shipping", "total",
                  "lines", "shipping_address", "tracking_number", "timeline")  # fmt: skip
        read_only_fields = fields

    def get_shipping_address(self, order: Order) -> dict[str, str]:
        return {
            "full_name": order.ship_full_name, "line1": order.ship_line1,
            "line2": order.ship_line2, "city": order.ship_city,
            "postal_code": order.ship_postal_code, "region": order.ship_region,
            "country": order.ship_country, "phone": order.ship_phone,
        }  # fmt: skip


class AddressInputSerializer(serializers.Serializer[dict[str, Any]]):
    full_name = serializers.CharField(max_length=150)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20)
    region = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    country = serializers.RegexField(r"^[A-Za-z]{2}$")
    phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)


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
