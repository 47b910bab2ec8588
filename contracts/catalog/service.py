"""What the catalog service promises its callers."""

from __future__ import annotations

from typing import Protocol, cast

from contracts.kernel.registry import registry
from contracts.kernel.service import Service

SERVICE = "catalog"
VERSION = "1.0"


class CatalogService(Service, Protocol):
    """The catalog service; its methods arrive with the catalog issue."""


def catalog_service() -> CatalogService:
    """The bound catalog service (local facade, HTTP client or a test's fake)."""
    return cast(CatalogService, registry.resolve(SERVICE))
