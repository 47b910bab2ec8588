"""Background tasks of the catalog (run by `manage.py run_worker`)."""

from django.tasks import task

from apps.catalog.services.stock import reservations_release_expired


@task()
def release_expired_reservations() -> int:
    """Periodic: put stock held by expired reservations back on sale."""
    return reservations_release_expired()
