"""The in-process implementation of `contracts.notifications`."""

from django.db import connection

from contracts.kernel.service import ServiceHealth, probe
from contracts.notifications.service import SERVICE, VERSION


class NotificationsFacade:
    """Implements `NotificationsService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, connection.ensure_connection)
