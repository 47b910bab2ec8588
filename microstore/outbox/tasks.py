"""Background tasks of the outbox (run by `manage.py run_worker`)."""

from django.tasks import task

from microstore.outbox import delivery


@task()
def deliver_event(delivery_id: int) -> str:
    """Deliver one outbox event to one subscriber."""
    return delivery.deliver(delivery_id)


@task()
def requeue_stale_deliveries() -> int:
    """Periodic: re-enqueue deliveries whose task was lost (a crash between steps)."""
    return delivery.requeue_stale()
