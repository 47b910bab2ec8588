"""Every service's contract in one place, and who may call whom (ARCHITECTURE.md rule 2).

The transport reads this to serve and call each service generically; the server refuses a call
against the direction below at run time, as import-linter refuses the import at build time.
`ROOT` is the composition root (the shop's shell: layout, sign-in, health, ops), which composes
every service and so may call each of them; services are checked against `calls`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from contracts.accounts.service import SERVICE as ACCOUNTS
from contracts.accounts.service import VERSION as ACCOUNTS_VERSION
from contracts.accounts.service import AccountsService
from contracts.cart.service import SERVICE as CART
from contracts.cart.service import VERSION as CART_VERSION
from contracts.cart.service import CartService
from contracts.catalog.service import SERVICE as CATALOG
from contracts.catalog.service import VERSION as CATALOG_VERSION
from contracts.catalog.service import CatalogService
from contracts.notifications.service import SERVICE as NOTIFICATIONS
from contracts.notifications.service import VERSION as NOTIFICATIONS_VERSION
from contracts.notifications.service import NotificationsService
from contracts.orders.service import SERVICE as ORDERS
from contracts.orders.service import VERSION as ORDERS_VERSION
from contracts.orders.service import OrdersService
from contracts.payments.service import SERVICE as PAYMENTS
from contracts.payments.service import VERSION as PAYMENTS_VERSION
from contracts.payments.service import PaymentsService

ROOT = "microstore"


@dataclass(frozen=True)
class Contract:
    """One service's promise: its Protocol, its version, and the services it may call."""

    service: str
    protocol: type
    version: str
    calls: frozenset[str]

    @property
    def major(self) -> str:
        return self.version.split(".", 1)[0]


CONTRACTS: dict[str, Contract] = {
    c.service: c
    for c in (
        Contract(CATALOG, CatalogService, CATALOG_VERSION, frozenset()),
        Contract(ACCOUNTS, AccountsService, ACCOUNTS_VERSION, frozenset()),
        Contract(CART, CartService, CART_VERSION, frozenset({CATALOG})),
        Contract(
            ORDERS, OrdersService, ORDERS_VERSION, frozenset({CART, CATALOG, PAYMENTS, ACCOUNTS})
        ),
        Contract(PAYMENTS, PaymentsService, PAYMENTS_VERSION, frozenset()),
        Contract(NOTIFICATIONS, NotificationsService, NOTIFICATIONS_VERSION, frozenset({ACCOUNTS})),
    )
}

# Each contract's errors register their codes on import: a client maps a code back to its class.
for _name in CONTRACTS:
    try:
        import_module(f"contracts.{_name}.errors")
    except ModuleNotFoundError as exc:  # a contract without errors of its own
        if exc.name != f"contracts.{_name}.errors":
            raise


def may_call(caller: str, service: str) -> bool:
    """May `caller` (a service name or ROOT) call `service`? A service may call itself."""
    if caller in (ROOT, service):
        return True
    contract = CONTRACTS.get(caller)
    return contract is not None and service in contract.calls


def callers() -> frozenset[str]:
    """Every identity that may sign an internal call."""
    return frozenset(CONTRACTS) | {ROOT}
