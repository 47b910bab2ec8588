"""Background tasks of the outbox (run by `manage.py run_worker`)."""

from django.tasks import task

from microstore.outbox import delivery, workers


@task()
def deliver_event(delivery_id: int) -> str:
    """Deliver one outbox event to one subscriber."""
    return delivery.deliver(delivery_id)


@task()
def requeue_stale_deliveries() -> int:
    """Periodic: re-enqueue deliveries whose task was lost or whose lease ran out."""
    return delivery.requeue_stale()


@task()
def hand_back_lost_tasks() -> int:
    """Periodic: run again every task whose worker died while running it (any kind of task)."""
    return workers.hand_back_lost_tasks()
