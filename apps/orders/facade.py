"""The in-process implementation of `contracts.orders`."""

from django.db import connection

from contracts.kernel.service import ServiceHealth, probe
from contracts.orders.service import SERVICE, VERSION


class OrdersFacade:
    """Implements `OrdersService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, connection.ensure_connection)
