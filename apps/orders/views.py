"""Shopper pages of orders: checkout, confirmation, history, detail with its timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.orders import selectors
from apps.orders.forms import CheckoutForm
from apps.orders.services.actions import order_cancel_by_customer, order_retry_payment
from apps.orders.services.checkout import order_checkout, shipping_for
from apps.orders.services.outcomes import (
    NOT_TAKEN_NOW,
    CheckoutResult,
    Outcome,
    SoldOutItem,
    sold_out_in_cart,
    sold_out_named,
)
from contracts.accounts.service import accounts_service
from contracts.cart.service import cart_service
from contracts.catalog.errors import OutOfStock
from contracts.kernel.errors import ContractError, Unavailable
from contracts.orders.dto import OrderStatus
from contracts.orders.errors import NotCancellable
from contracts.payments.dto import PaymentCustomer

PAYMENT_DID_NOT_START = (
    "We could not start the payment, so nothing was charged and the order was cancelled. "
    "Please try again in a moment."
)


def _customer(request: HttpRequest) -> PaymentCustomer:
    person = accounts_service().get_customer(request.user.pk)
    return PaymentCustomer(customer_id=person.id, email=person.email, name=person.name)


@login_required
def checkout(request: HttpRequest) -> HttpResponse:
    """Pick an address, review, place the order. Submitting twice gives the same one order."""
    addresses = accounts_service().get_addresses(request.user.pk)
    form = CheckoutForm(request.POST or None, addresses=addresses)
    if request.method == "POST" and form.is_valid():
        try:
            result = order_checkout(
                customer=_customer(request), address=form.shipping_address(),
                idempotency_key=form.cleaned_data["idempotency_key"],
            )  # fmt: skip
        except Unavailable:  # a service the checkout needs did not answer
            return _try_again(request, form)
        except ContractError as exc:
            messages.error(request, _sentence(exc.message))
            return redirect("cart:detail")
        if result.outcome is Outcome.UNAVAILABLE:
            return _try_again(request, form)
        return _answer(request, result)
    cart = cart_service().get_customer_cart(request.user.pk)
    if not cart.lines:
        messages.info(request, "Your cart is empty.")
        return redirect("cart:detail")
    shipping = shipping_for(cart.subtotal)
    context = {
        "form": form,
        "cart": cart,
        "shipping": shipping,
        "total": cart.subtotal + shipping,
        "sold_out": sold_out_in_cart(cart),
    }
    return render(request, "orders/checkout.html", context)


def _try_again(request: HttpRequest, form: CheckoutForm) -> HttpResponse:
    """The shop could not take the order now: say so, and offer the very same form again
    (same idempotency key), which finishes this checkout once the services answer. Drawn
    from the form alone: the service that failed is not asked again to draw it."""
    context = {"form": form, "message": NOT_TAKEN_NOW}
    return render(request, "orders/checkout_unavailable.html", context, status=503)


def _answer(request: HttpRequest, result: CheckoutResult) -> HttpResponse:
    """Where a checkout sends the shopper: the same place for the first request and for
    every replay of its form."""
    if result.order is None:  # sold out: nothing was placed
        messages.error(request, sold_out_message(result.sold_out))
        return redirect("cart:detail")
    if result.outcome is Outcome.PAYMENT_NOT_STARTED:
        messages.error(request, PAYMENT_DID_NOT_START)
    elif result.pay_url:
        return redirect(result.pay_url)  # the payments service's own pay page
    return redirect("orders:detail", number=result.order.number)


def sold_out_message(items: tuple[SoldOutItem, ...]) -> str:
    names = ", ".join(item.describe() for item in items)
    return f"Sorry, some items sold out while you were checking out: {names}. Nothing was charged."


@login_required
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.customer_orders(request.user.pk), 10).get_page(
        request.GET.get("page")
    )
    return render(request, "orders/history.html", {"page": page})


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.order_for_customer(request.user.pk, number)
    return render(request, "orders/detail.html", {"order": order})


@login_required
@require_POST
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = order_cancel_by_customer(customer_id=request.user.pk, number=number)
    except NotCancellable as exc:
        messages.error(request, _sentence(exc.message))
    else:
        messages.success(request, f"Order {order.number} is cancelled. Nothing was charged.")
    return redirect("orders:detail", number=number)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + "."


@login_required
@require_POST
def retry_payment(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.order_for_customer(request.user.pk, number)
    try:
        order = order_retry_payment(number=order.number, customer=_customer(request))
        if order.state is OrderStatus.PENDING_PAYMENT and order.pay_url:
            return redirect(order.pay_url)
    except OutOfStock as exc:
        names = {line.sku: line.name for line in order.lines.all()}
        messages.error(request, sold_out_message(sold_out_named(exc, names)))
    except ContractError as exc:
        messages.error(request, exc.message)
    return redirect("orders:detail", number=order.number)
