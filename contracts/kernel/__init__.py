"""The shared vocabulary of every contract: money, errors, events, the service registry."""

from contracts.kernel.errors import (
    Conflict,
    ContractError,
    InvalidRequest,
    NotFound,
    Unavailable,
    error_class_for,
)
from contracts.kernel.events import Event, publish, subscribe
from contracts.kernel.money import Currency, CurrencyMismatch, Money
from contracts.kernel.registry import registry
from contracts.kernel.service import Service, ServiceHealth

__all__ = [
    "Conflict",
    "ContractError",
    "Currency",
    "CurrencyMismatch",
    "Event",
    "InvalidRequest",
    "Money",
    "NotFound",
    "Service",
    "ServiceHealth",
    "Unavailable",
    "error_class_for",
    "publish",
    "registry",
    "subscribe",
]
