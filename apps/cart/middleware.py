"""Merge the anonymous cart into the customer's one as soon as they are signed in.

No signal: on every request the middleware looks at the session, which is already loaded for
the user anyway. An anonymous visitor without a cart costs nothing (no session cookie, no query);
a signed-in customer whose session holds no anonymous cart costs nothing either. Only the first
request after signing in with a cart does the merge, then the session key is gone.

Every process runs this middleware, the ones that do not hold the carts too: the merge is asked
of the cart's contract (`merge_cart`), wherever the cart service runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from apps.cart.results import merge_message
from apps.cart.session import SESSION_KEY, session_cart_id
from contracts.cart.service import cart_service
from contracts.kernel.errors import ContractError

logger = logging.getLogger(__name__)


class CartMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        # The session first: for a visitor without a cookie it is an empty dict, no query.
        if session is not None and SESSION_KEY in session and request.user.is_authenticated:
            self._merge(request)
        return self.get_response(request)

    @staticmethod
    def _merge(request: HttpRequest) -> None:
        cart_id = session_cart_id(request.session)
        customer_id = request.user.pk
        if cart_id is not None and customer_id is not None:
            try:
                result = cart_service().merge_cart(str(cart_id), customer_id)
            except ContractError:  # the cart or the catalog is unavailable: the next request
                logger.warning("cart merge postponed", exc_info=True)  # tries again
                return
            if result.changed:
                level = messages.SUCCESS if result.added else messages.WARNING
                messages.add_message(request, level, merge_message(result))
        del request.session[SESSION_KEY]
