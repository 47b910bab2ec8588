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
from apps.orders.services.checkout import order_place, shipping_for
from contracts.accounts.service import accounts_service
from contracts.cart.service import cart_service
from contracts.catalog.errors import OutOfStock
from contracts.kernel.errors import ContractError
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
            order = order_place(
                customer=_customer(request), address=form.shipping_address(),
                idempotency_key=form.cleaned_data["idempotency_key"],
            )  # fmt: skip
        except OutOfStock as exc:
            messages.error(request, _sold_out_message(exc))
            return redirect("cart:detail")
        except ContractError as exc:
            messages.error(request, _sentence(exc.message))
            return redirect("cart:detail")
        if order.state is OrderStatus.CANCELLED:
            messages.error(request, PAYMENT_DID_NOT_START)
        elif order.state is OrderStatus.PENDING_PAYMENT and order.pay_url:
            return redirect(order.pay_url)  # the payments service's own pay page
        return redirect("orders:detail", number=order.number)
    cart = cart_service().get_customer_cart(request.user.pk)
    if not cart.lines:
        messages.info(request, "Your cart is empty.")
        return redirect("cart:detail")
    shipping = shipping_for(cart.subtotal)
    context = {"form": form, "cart": cart, "shipping": shipping, "total": cart.subtotal + shipping}
    return render(request, "orders/checkout.html", context)


def _sold_out_message(exc: OutOfStock) -> str:
    items = exc.details.get("items", [])
    names = ", ".join(f"{i['sku']} (only {i['available']} left)" for i in items)
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
        messages.error(request, _sold_out_message(exc))
    except ContractError as exc:
        messages.error(request, exc.message)
    return redirect("orders:detail", number=order.number)
