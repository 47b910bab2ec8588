"""How a cart looks in the REST API: the contract's CartDTO, money as decimal strings."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.cart.models import MAX_QUANTITY
from contracts.cart.dto import LineFlag


class MoneySerializer(serializers.Serializer[Any]):
    amount = serializers.CharField(help_text="A decimal number as a string, e.g. “19.90”.")
    currency = serializers.CharField(help_text="ISO 4217, e.g. EUR.")


class FlagField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[flag.value for flag in LineFlag], **kwargs)

    def to_representation(self, value: Any) -> str:
        return str(value.value if isinstance(value, LineFlag) else value)


class CartLineSerializer(serializers.Serializer[Any]):
    product_id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField(help_text="Empty when the product no longer exists.")
    image_url = serializers.CharField(allow_null=True)
    unit_price = MoneySerializer(help_text="The catalog's price now.")
    added_price = MoneySerializer(help_text="The price when the line was last added or changed.")
    quantity = serializers.IntegerField(help_text="Capped at what is available (flag `capped`).")
    available = serializers.IntegerField()
    line_total = MoneySerializer(help_text="Zero for a line that blocks the checkout.")
    flags = serializers.ListField(
        child=FlagField(),
        help_text="`inactive` and `sold_out` block the checkout; `capped`: fewer are left than "
        "were asked for; `price_changed`: the price moved since the line was added.",
    )


class CartSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="Empty while nothing was ever added.")
    customer_id = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField()
    lines = CartLineSerializer(many=True)
    item_count = serializers.IntegerField(help_text="Items that can be bought now.")
    subtotal = MoneySerializer()
    checkout_ready = serializers.BooleanField()


class ChangeSerializer(serializers.Serializer[Any]):
    product_id = serializers.IntegerField()
    wanted = serializers.IntegerField(help_text="The quantity the line should have held.")
    quantity = serializers.IntegerField(help_text="What the line holds now (0: removed).")
    capped = serializers.BooleanField(help_text="True when fewer are left than were wanted.")
    message = serializers.CharField()


class CartChangeSerializer(serializers.Serializer[Any]):
    change = ChangeSerializer()
    cart = CartSerializer()


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_QUANTITY, "default": 1})
class QuantityToAdd(serializers.IntegerField):
    """Documents the cart service's range; the service checks it (422 quantity_out_of_range)."""


class AddItemSerializer(serializers.Serializer[Any]):
    product_id = serializers.IntegerField()
    quantity = QuantityToAdd(default=1, help_text=f"1 to {MAX_QUANTITY}; added to the line.")


class SetQuantitySerializer(serializers.Serializer[Any]):
    quantity = serializers.IntegerField(help_text="0 to 99; 0 removes the line.")
