"""Background tasks of the notifications app.

Emails are sent by the outbox (`EmailQueued` deliveries). This task only serves the send tasks
queued before that change: it hands their email to the outbox, so none is lost on upgrade.
"""

from django.db import transaction
from django.tasks import task

from apps.notifications.models import Notification
from contracts.kernel.events import publish
from contracts.notifications.events import EmailQueued


@task()
def send_notification(notification_id: int) -> str:
    """Queue a still-pending notification through the outbox; ``skipped`` otherwise."""
    with transaction.atomic():
        pending = Notification.objects.filter(pk=notification_id, status="pending").exists()
        if pending:
            publish(EmailQueued(notification_id=notification_id))
    return "queued" if pending else "skipped"
