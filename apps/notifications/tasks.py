"""Background tasks of the notifications app: emails are sent here, never in a request."""

from django.tasks import task

from apps.notifications import services


@task()
def send_notification(notification_id: int) -> str:
    """Send one notification; on failure it re-enqueues itself with backoff."""
    return services.notification_send(notification_id)
