"""The in-process implementation of `contracts.cart`."""

from django.db import connection

from contracts.cart.service import SERVICE, VERSION
from contracts.kernel.service import ServiceHealth, probe


class CartFacade:
    """Implements `CartService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, connection.ensure_connection)
