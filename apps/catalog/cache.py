"""Caching of rendered catalog fragments, invalidated by a catalog version.

Any save or delete of a product, category, image or stock row bumps the version (signals: this
is cache bookkeeping, not a domain flow, and it catches the admin's saves too). Reservations
change stock with conditional UPDATEs that fire no signal, so cached fragments also expire
after FRAGMENT_TTL seconds: list pages may show availability up to that old. The product page
shows it at most AVAILABILITY_SECONDS old (`cached_briefly`: kept by each process alone, so
that bound holds); the cart and the checkout always read it live, so a shopper is never sold
what the page promised but is gone.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from apps.catalog.models import Category, Product, ProductImage, Stock

VERSION_KEY = "catalog:version"
FRAGMENT_TTL = 15
AVAILABILITY_SECONDS = 5
T = TypeVar("T")


_local: dict[str, tuple[float, str]] = {}
LOCAL_SECONDS = 1.0  # other processes see a bump within this long


def version() -> str:
    """The current catalog version (shared through the cache, remembered here for a second)."""
    now = time.monotonic()
    remembered = _local.get(VERSION_KEY)
    if remembered and now - remembered[0] < LOCAL_SECONDS:
        return remembered[1]
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        current = cache.get(VERSION_KEY)
    _local[VERSION_KEY] = (now, str(current))
    return str(current)


def bump(**kwargs: object) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _local.clear()


def clear_local() -> None:
    """Forget what this process remembers (tests clear the shared cache between runs)."""
    _local.clear()
    _recent.items.clear()


def key(*parts: str) -> str:
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"catalog:{version()}:{digest}"


class _Recent:
    """A small in-process LRU in front of the shared cache: a hit costs no network round trip.

    Keys include the catalog version, so a bump still invalidates (within LOCAL_SECONDS)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            found = self.items.get(key)
            if found is None or found[0] < time.monotonic():
                self.items.pop(key, None)
                return None
            self.items.move_to_end(key)
            return found[1]

    def set(self, key: str, value: Any, ttl: float) -> None:
        with self.lock:
            self.items[key] = (time.monotonic() + ttl, value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_recent = _Recent()


def cached[T](name: str, build: Callable[[], T], *parts: str, ttl: int = FRAGMENT_TTL) -> T:
    """The value cached under (catalog version, name, parts), built on a miss."""
    full_key = key(name, *parts)
    value = _recent.get(full_key)
    if value is not None:
        return value  # type: ignore[no-any-return]
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, ttl)
    _recent.set(full_key, value, min(ttl, LOCAL_SECONDS * 5))
    return value  # type: ignore[no-any-return]


def connect() -> None:
    for model in (Product, Category, ProductImage, Stock):
        post_save.connect(bump, sender=model, dispatch_uid=f"catalog-cache-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"catalog-cache-del-{model.__name__}")


def cached_briefly[T](name: str, build: Callable[[], T], *parts: str) -> T:
    """The value kept by this process alone for AVAILABILITY_SECONDS, built on a miss.

    Not shared: a copy taken from the shared cache could be older than its own lifetime, and the
    point here is a bound on how old the value may be (a catalog bump still drops it)."""
    full_key = key(name, *parts)
    value = _recent.get(full_key)
    if value is None:
        value = build()
        _recent.set(full_key, value, AVAILABILITY_SECONDS)
    return value  # type: ignore[no-any-return]
