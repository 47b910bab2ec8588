"""The in-process implementation of `contracts.orders`."""

from __future__ import annotations

from datetime import datetime

from apps.orders import selectors
from apps.orders.models import Order
from apps.orders.snapshots import order_dto
from contracts.kernel.service import ServiceHealth, probe
from contracts.orders.dto import OrderDTO, OrderFigures
from contracts.orders.errors import OrderNotFound
from contracts.orders.service import SERVICE, VERSION


class OrdersFacade:
    """Implements `OrdersService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, Order.objects.exists)

    def get_order(self, number: str) -> OrderDTO:
        order = Order.objects.prefetch_related("lines").filter(number=number).first()
        if order is None:
            raise OrderNotFound(f"no order {number!r}")
        return order_dto(order)

    def figures(self, since: datetime, per_minute_since: datetime | None = None) -> OrderFigures:
        return selectors.order_figures(since=since, per_minute_since=per_minute_since)
