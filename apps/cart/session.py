"""Which cart a request means: the signed-in customer's, or the anonymous one in the session.

The anonymous cart's id lives only in the session (server-side), never in a URL or a form, so a
request can reach no cart but its own. Used by the pages, the API, the middleware and the
context processor alike.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from apps.cart.selectors import Owner, parse_cart_id

SESSION_KEY = "cart_id"


class _Request(Protocol):
    """An HttpRequest or a DRF Request: what is needed of either."""

    user: Any
    session: Any


def session_cart_id(session: Any) -> UUID | None:
    """The anonymous cart id kept in the session; None when there is none (or it is garbled).
    Costs no query for a visitor without a session cookie."""
    value = session.get(SESSION_KEY) if session is not None else None
    return parse_cart_id(value) if value else None


def owner_of(request: _Request) -> Owner:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Owner(customer_id=user.pk)
    return Owner(cart_id=session_cart_id(getattr(request, "session", None)))


def remember(request: _Request, cart_id: UUID) -> None:
    """Keep a new anonymous cart's id in the session (signed-in carts are found by customer)."""
    owner = owner_of(request)
    if owner.customer_id is None and owner.cart_id != cart_id:
        request.session[SESSION_KEY] = str(cart_id)
