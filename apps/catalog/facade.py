"""The in-process implementation of `contracts.catalog`."""

from django.db import connection

from contracts.catalog.service import SERVICE, VERSION
from contracts.kernel.service import ServiceHealth, probe


class CatalogFacade:
    """Implements `CatalogService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, connection.ensure_connection)
