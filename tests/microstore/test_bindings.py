"""microstore.bindings: every service bound once, the outbox as the bus, bad bindings refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from contracts.accounts.service import accounts_service
from contracts.cart.service import cart_service
from contracts.catalog.service import catalog_service
from contracts.directory import CONTRACTS
from contracts.kernel import events
from contracts.kernel.registry import ServiceRegistry, registry
from contracts.notifications.service import notifications_service
from contracts.orders.service import orders_service
from contracts.payments.service import payments_service
from microstore import bindings
from microstore.outbox.bus import OutboxBus

ACCESSORS = [
    catalog_service,
    accounts_service,
    cart_service,
    orders_service,
    payments_service,
    notifications_service,
]


@pytest.mark.django_db
@pytest.mark.parametrize("accessor", ACCESSORS, ids=lambda a: a.__name__)
def test_every_service_is_bound_loopback_in_the_suite_and_healthy(accessor):
    health = accessor().health()
    assert (health.ok, health.version) == (True, CONTRACTS[health.service].version)
    assert registry.bindings()[health.service].kind == "loopback"


def test_the_outbox_is_the_event_bus():
    assert isinstance(events._bus, OutboxBus)


def test_an_unknown_binding_is_refused_naming_the_service():
    with pytest.raises(ImproperlyConfigured, match="'orders' is bound to 'grpc://orders'"):
        bindings.bind_services({"orders": "grpc://orders"}, ServiceRegistry())


def test_the_wiring_check_passes():
    call_command("check", "--fail-level", "WARNING")
