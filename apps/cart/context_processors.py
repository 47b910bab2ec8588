"""`cart_count` for the header on every page.

Lazy: a template that never shows it (an HTMX fragment) costs nothing, and an anonymous visitor
without a cart costs no query at all (the catalog's list pages are benchmarked); otherwise it is
one small aggregate query.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.cart.selectors import item_count
from apps.cart.session import owner_of


def cart(request: HttpRequest) -> dict[str, Any]:
    return {"cart_count": SimpleLazyObject(lambda: item_count(owner_of(request)))}
