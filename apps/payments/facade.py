"""The in-process implementation of `contracts.payments`."""

from django.db import connection

from contracts.kernel.service import ServiceHealth, probe
from contracts.payments.service import SERVICE, VERSION


class PaymentsFacade:
    """Implements `PaymentsService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, connection.ensure_connection)
