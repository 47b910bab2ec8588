"""The in-process implementation of `contracts.notifications`."""

from django.db import connection, transaction

from apps.notifications.models import Notification
from apps.notifications.services import notification_queue_account_email, notification_resend
from contracts.kernel.errors import InvalidRequest
from contracts.kernel.service import ServiceHealth, probe
from contracts.notifications.dto import AccountEmailDTO, FailedNotificationDTO
from contracts.notifications.service import SERVICE, VERSION


class NotificationsFacade:
    """Implements `NotificationsService` in this process."""

    def health(self) -> ServiceHealth:
        return probe(SERVICE, VERSION, connection.ensure_connection)

    def queue_account_email(self, email: AccountEmailDTO) -> bool:
        if not (email.recipient.strip() and email.subject.strip()):
            raise InvalidRequest(
                "an email needs a recipient and a subject", details={"recipient": email.recipient}
            )
        with transaction.atomic(durable=True):
            return notification_queue_account_email(
                key=email.key,
                recipient=email.recipient,
                subject=email.subject,
                text=email.text,
                html=email.html,
            )

    def recent_failures(self, limit: int = 10) -> tuple[FailedNotificationDTO, ...]:
        if not 1 <= limit <= 100:
            raise InvalidRequest("limit must be from 1 to 100", details={"limit": limit})
        rows = Notification.objects.filter(status=Notification.Status.FAILED).order_by(
            "-created_at", "-pk"
        )[:limit]
        return tuple(
            FailedNotificationDTO(
                id=row.pk,
                kind=row.kind,
                subject=row.subject,
                recipient=row.recipient,
                order_number=row.order_number,
                attempts=row.attempts,
                last_error=row.last_error,
                created_at=row.created_at,
            )
            for row in rows
        )

    def resend(self, notification_ids: tuple[int, ...]) -> int:
        with transaction.atomic(durable=True):
            return notification_resend(notification_ids)
