"""What the payments service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service

SERVICE = "payments"
VERSION = "1.0"


class PaymentsService(Service, Protocol):
    """The payments service; its methods arrive with the payments issue."""


def payments_service() -> PaymentsService:
    """The bound payments service (local facade, HTTP client or a test's fake)."""
    return cast(PaymentsService, registry.resolve(SERVICE))
