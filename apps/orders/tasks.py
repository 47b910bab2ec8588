"""Background tasks of orders (run by `manage.py run_worker`)."""

from django.tasks import task

from apps.orders.services.actions import orders_expire


@task()
def expire_unpaid_orders() -> int:
    """Periodic: cancel unpaid orders past their stock hold and release the stock."""
    return orders_expire()
