"""`cart_count` for the header on every page.

Lazy: a template that never shows it (an HTMX fragment) costs nothing, and an anonymous visitor
without a cart costs no query at all (the catalog's list pages are benchmarked); otherwise it is
one small aggregate query. Where the cart is served by another process (bound to a URL), the
count comes through the cart's contract instead (this process does not hold the carts), and a
cart service that cannot answer leaves the header without a count (`""`) rather than failing
the page: the rest of the shop keeps working when the cart is down.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.cart.selectors import Owner, item_count
from apps.cart.session import owner_of
from contracts.cart.errors import CartNotFound
from contracts.cart.service import SERVICE, cart_service
from contracts.kernel.errors import ContractError
from contracts.kernel.registry import registry

logger = logging.getLogger(__name__)
NO_COUNT = ""  # the header shows no number: the cart service did not answer


def cart(request: HttpRequest) -> dict[str, Any]:
    return {"cart_count": SimpleLazyObject(lambda: count_of(owner_of(request)))}


def count_of(owner: Owner) -> int | str:
    """How many items the owner's cart holds; NO_COUNT when the cart service cannot say."""
    if owner.customer_id is None and owner.cart_id is None:
        return 0
    binding = registry.bindings().get(SERVICE)
    if binding is None or not binding.remote:
        return item_count(owner)
    try:
        if owner.customer_id is not None:
            return cart_service().get_customer_cart(owner.customer_id).item_count
        return cart_service().get_cart(str(owner.cart_id)).item_count
    except CartNotFound:
        return 0
    except ContractError as exc:
        logger.warning("the header shows no cart count: %s", exc.message)
        return NO_COUNT
