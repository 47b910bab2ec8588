"""Background tasks of payments (run by `manage.py run_worker`)."""

from django.tasks import task

from apps.payments.services import payments_reconcile


@task()
def reconcile_payments() -> int:
    """Periodic: settle payments whose webhook never came, by asking the gateway."""
    return payments_reconcile()
