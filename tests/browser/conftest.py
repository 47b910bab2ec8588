from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests.catalog.factories import CategoryFactory, ProductFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# live_server's fixtures there are safe (nothing else touches that thread's connection).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def shot(page):
    """Save a full-page screenshot to artifacts/screenshots/<name>.png for a person to look at."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def csp_violations(page) -> list[str]:
    """Console messages about Content Security Policy violations on `page` (should stay empty)."""
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security" in m.text else None)
    return found


@pytest.fixture
def lamp():
    """The product most journeys buy: 4 in stock at €79.00, in Lighting."""
    lighting = CategoryFactory(name="Lighting", slug="lighting")
    return ProductFactory(
        name="Brass desk lamp",
        slug="brass-desk-lamp",
        category=lighting,
        price=Decimal("79.00"),
        stock=4,
    )
