"""`cart_count` for the header on every page.

Lazy: a template that never shows it (an HTMX fragment) costs nothing, and an anonymous visitor
without a cart costs no query and no call at all (the catalog's list pages are benchmarked).
Otherwise the count is asked of the cart's contract (`item_count`: one small query where the
cart lives, no pricing), so every process shows it, whether it holds the carts or not; a cart
service that cannot answer leaves the header without a count (`""`) rather than failing the
page: the rest of the shop keeps working when the cart is down.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.cart.selectors import Owner
from apps.cart.session import owner_of
from contracts.cart.service import cart_service
from contracts.kernel.errors import ContractError

logger = logging.getLogger(__name__)
NO_COUNT = ""  # the header shows no number: the cart service did not answer


def cart(request: HttpRequest) -> dict[str, Any]:
    return {"cart_count": SimpleLazyObject(lambda: count_of(owner_of(request)))}


def count_of(owner: Owner) -> int | str:
    """How many items the owner's cart holds; NO_COUNT when the cart service cannot say."""
    if owner.customer_id is None and owner.cart_id is None:
        return 0
    try:
        if owner.customer_id is not None:
            return cart_service().item_count(customer_id=owner.customer_id)
        return cart_service().item_count(cart_id=str(owner.cart_id))
    except ContractError as exc:
        logger.warning("the header shows no cart count: %s", exc.message)
        return NO_COUNT
