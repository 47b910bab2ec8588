"""The cart pages. Every form works as a plain POST (redirect with a message); with HTMX the same
URL answers with the changed fragment and an `HX-Trigger: cart-changed` event, on which the
header's count fetches itself again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from apps.cart import selectors, services
from apps.cart.models import MAX_QUANTITY
from apps.cart.results import LineChange
from apps.cart.session import owner_of, remember
from contracts.cart.dto import BLOCKING, CartDTO, CartLineDTO, LineFlag
from contracts.kernel.errors import ContractError, NotFound, Unavailable

CHANGED = "cart-changed"


class AddForm(forms.Form):
    product_id = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(required=False)  # the range is the service's rule


class QuantityForm(forms.Form):
    quantity = forms.IntegerField()


@dataclass(frozen=True)
class Row:
    """A line as the cart page shows it."""

    line: CartLineDTO
    blocked: bool
    sold_out: bool
    capped: bool
    price_changed: bool
    price_up: bool
    max_quantity: int


def _rows(cart: CartDTO) -> list[Row]:
    return [
        Row(
            line=line,
            blocked=not BLOCKING.isdisjoint(line.flags),
            sold_out=LineFlag.SOLD_OUT in line.flags,
            capped=LineFlag.CAPPED in line.flags,
            price_changed=LineFlag.PRICE_CHANGED in line.flags,
            price_up=LineFlag.PRICE_CHANGED in line.flags
            and line.unit_price.currency == line.added_price.currency
            and line.unit_price > line.added_price,
            max_quantity=min(line.available, MAX_QUANTITY),
        )
        for line in cart.lines
    ]


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))  # django-htmx's middleware sets it


def _cart_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    cart = selectors.owner_cart_dto(owner_of(request))
    return {"cart": cart, "rows": _rows(cart), **extra}


@require_GET
@never_cache
def cart_page(request: HttpRequest) -> HttpResponse:
    return render(request, "cart/cart.html", _cart_context(request))


@require_GET
@never_cache
def count(request: HttpRequest) -> HttpResponse:
    """The header's count alone, fetched again by HTMX on `cart-changed`."""
    return HttpResponse(str(selectors.item_count(owner_of(request))))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "cart:detail"


@require_POST
def add(request: HttpRequest) -> HttpResponse:
    form = AddForm(request.POST)
    form.is_valid()
    product_id = form.cleaned_data.get("product_id")
    if product_id is None:
        raise Http404("No such product.")
    # Left out: 1. Garbled: 0, which the service refuses as out of range.
    quantity = form.cleaned_data.get("quantity", 0)
    quantity = 1 if quantity is None else quantity
    try:
        change = services.cart_add(
            owner=owner_of(request), product_id=product_id, quantity=quantity
        )
    except Unavailable:  # the catalog did not answer: the shop's 503 says so (middleware)
        raise
    except ContractError as error:
        if _htmx(request):
            unavailable = error.details.get("reason") in ("inactive", "sold_out")
            return _buy_box(request, product_id, 0 if unavailable else None, error=error.message)
        if isinstance(error, NotFound):
            raise Http404(error.message) from None
        messages.error(request, error.message)
        return redirect(_back(request))
    remember(request, change.cart_id)
    if _htmx(request):
        return _changed(_buy_box(request, product_id, change.available, change=change))
    _report(request, change)
    return redirect("cart:detail")


def _buy_box(
    request: HttpRequest, product_id: int, available: int | None, **extra: Any
) -> HttpResponse:
    """The product page's add-to-cart box again, with what happened (HTMX swaps it in place)."""
    context = {"product_id": product_id, "available": available,
               "next": request.POST.get("next", ""), **extra}  # fmt: skip
    return render(request, "cart/_add_to_cart.html", context)


def _report(request: HttpRequest, change: LineChange) -> None:
    level = messages.WARNING if change.capped else messages.SUCCESS
    messages.add_message(request, level, change.message())


def _changed(response: HttpResponse) -> HttpResponse:
    return trigger_client_event(response, CHANGED)


def _cart_response(request: HttpRequest, *, status: str, kind: str, changed: bool) -> HttpResponse:
    """After a change on the cart page: the cart fragment (HTMX) or a redirect with a message."""
    if _htmx(request):
        context = _cart_context(request, status=status, status_kind=kind)
        response = render(request, "cart/cart.html#cart", context)
        return _changed(response) if changed else response
    messages.add_message(request, getattr(messages, kind.upper()), status)
    return redirect("cart:detail")


def _apply(request: HttpRequest, action: Callable[[], LineChange]) -> HttpResponse:
    try:
        change = action()
    except Unavailable:  # the catalog did not answer: the shop's 503 says so (middleware)
        raise
    except ContractError as error:
        return _cart_response(request, status=error.message, kind="error", changed=False)
    kind = "warning" if change.capped else "success"
    return _cart_response(request, status=change.message(), kind=kind, changed=True)


@require_POST
def update(request: HttpRequest, product_id: int) -> HttpResponse:
    form = QuantityForm(request.POST)
    if not form.is_valid():
        status = f"Choose a quantity from 0 to {MAX_QUANTITY}."
        return _cart_response(request, status=status, kind="error", changed=False)
    quantity = form.cleaned_data["quantity"]
    owner = owner_of(request)
    return _apply(
        request,
        lambda: services.cart_set_quantity(owner=owner, product_id=product_id, quantity=quantity),
    )


@require_POST
def remove(request: HttpRequest, product_id: int) -> HttpResponse:
    owner = owner_of(request)
    return _apply(request, lambda: services.cart_remove(owner=owner, product_id=product_id))


@require_POST
def empty(request: HttpRequest) -> HttpResponse:
    removed = services.cart_empty(owner=owner_of(request))
    status = "Your cart is empty now." if removed else "Your cart was already empty."
    return _cart_response(request, status=status, kind="success", changed=bool(removed))
