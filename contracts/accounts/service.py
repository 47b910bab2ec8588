"""What the accounts service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service

SERVICE = "accounts"
VERSION = "1.0"


class AccountsService(Service, Protocol):
    """The accounts service; its methods arrive with the accounts issue."""


def accounts_service() -> AccountsService:
    """The bound accounts service (local facade, HTTP client or a test's fake)."""
    return cast(AccountsService, registry.resolve(SERVICE))
