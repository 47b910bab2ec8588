"""Orders as the contract's DTOs (what events carry and the facade returns)."""

from __future__ import annotations

from collections.abc import Iterable

from apps.orders.models import Order, OrderLine
from contracts.kernel.money import Money
from contracts.orders.dto import OrderDTO, OrderLineDTO, OrderStatus, ShippingAddressDTO


def order_dto(order: Order, lines: Iterable[OrderLine] | None = None) -> OrderDTO:
    """The order as the contract's DTO; `lines` when the caller holds them (just written),
    else they are read."""
    money = order.currency
    return OrderDTO(
        number=order.number,
        customer_id=order.customer_id,
        email=order.email,
        status=OrderStatus(order.status),
        lines=tuple(
            OrderLineDTO(
                product_id=line.product_id,
                sku=line.sku,
                name=line.name,
                unit_price=Money(line.unit_price, money),
                quantity=line.quantity,
                line_total=Money(line.line_total, money),
            )  # fmt: skip
            for line in (order.lines.all() if lines is None else lines)
        ),
        subtotal=Money(order.subtotal, money),
        shipping=Money(order.shipping, money),
        total=Money(order.total, money),
        shipping_address=address_dto(order),
        tracking_number=order.tracking_number,
        placed_at=order.placed_at,
        refunded=Money(order.refunded, money),
    )


def address_dto(order: Order) -> ShippingAddressDTO:
    return ShippingAddressDTO(
        full_name=order.ship_full_name, line1=order.ship_line1, line2=order.ship_line2,
        city=order.ship_city, postal_code=order.ship_postal_code, region=order.ship_region,
        country=order.ship_country, phone=order.ship_phone,
    )  # fmt: skip
