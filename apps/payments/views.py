"""The pay page: our own page for collecting a payment, whichever gateway serves.

With Stripe it mounts the Payment Element (Stripe.js is allowed in the CSP of this page only);
with the fake gateway it is a card form that takes Stripe's test cards. A declined card leaves
the payment open: the same page asks for another card at once, saying why the last one was
refused, until the shopper pays or cancels the payment. Only the paying customer may see it:
anyone else gets the same 404 as for a payment that does not exist.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from apps.payments.forms import CardForm
from apps.payments.gateways import active_gateway
from apps.payments.gateways.fake import NAME as FAKE
from apps.payments.gateways.stripe import NAME as STRIPE
from apps.payments.models import Payment
from apps.payments.selectors import payment_for_customer
from apps.payments.services import (
    payment_abandon,
    payment_apply_intent,
    payment_pay_with_test_card,
)
from contracts.kernel.errors import ContractError
from contracts.kernel.money import Money
from contracts.payments.dto import PaymentStatus
from contracts.payments.errors import GatewayUnavailable

S = PaymentStatus
_BASE_CSP = cast(dict[str, list[str]], settings.SECURE_CSP)
# What Stripe documents for Stripe.js and the Payment Element, on top of our own policy.
STRIPE_CSP: dict[str, list[str]] = {
    **_BASE_CSP,
    "script-src": [*_BASE_CSP["script-src"], "https://js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": [*_BASE_CSP["connect-src"], "https://api.stripe.com"],
    "img-src": [*_BASE_CSP["img-src"], "https://*.stripe.com"],
}
DECLINES = {
    "generic_decline": "Your bank declined the card without giving a reason.",
    "insufficient_funds": "The card does not have enough funds for this payment.",
    "canceled": "The payment was cancelled before it completed.",
}
TRY_ANOTHER = "Nothing was charged: try another card."


def _order_url(order_ref: str) -> str:
    return reverse("orders:detail", args=[order_ref])


def _context(payment: Payment, **extra: object) -> dict[str, object]:
    amount = Money(payment.amount, payment.currency)
    return {"payment": payment, "amount": amount, **extra}


def _why(code: str, reason: str) -> str:
    return DECLINES.get(code, reason or "The card was declined.")


def _last_decline(payment: Payment) -> str:
    """Why the last card was refused, while the payment waits for another ("" if none was)."""
    if S(payment.status) is not S.REQUIRES_PAYMENT or not payment.decline_code:
        return ""
    return f"{_why(payment.decline_code, payment.failure_reason)} {TRY_ANOTHER}"


@login_required
def pay(request: HttpRequest, payment_ref: str) -> HttpResponse:
    payment = payment_for_customer(int(request.user.pk or 0), payment_ref)
    status = S(payment.status)
    if status in (S.FAILED, S.CANCELED):
        why = _why(payment.decline_code, payment.failure_reason)
        return render(request, "payments/failed.html", _context(payment, why=why))
    if status is not S.REQUIRES_PAYMENT or payment.gateway not in (STRIPE, FAKE):
        return redirect(_order_url(payment.order_ref))  # paid, processing or refunded
    if payment.gateway == STRIPE:
        return _stripe_page(request, payment)
    if request.method != "POST":
        form = CardForm(decline=_last_decline(payment))
        return render(request, "payments/pay_fake.html", _context(payment, form=form))
    return _charge_card(request, payment)


def _charge_card(request: HttpRequest, payment: Payment) -> HttpResponse:
    form = CardForm(request.POST)
    if form.is_valid():
        try:
            tried = payment_pay_with_test_card(
                payment_ref=payment.payment_ref,
                number=form.cleaned_data["number"],
                attempt_key=form.cleaned_data["attempt"],
            )
        except ContractError as exc:
            form.add_error(None, exc.message)
        else:
            if S(tried.payment.status) is S.SUCCEEDED:
                return redirect(_order_url(payment.order_ref))
            if S(tried.payment.status) is not S.REQUIRES_PAYMENT:  # cancelled meanwhile
                return redirect("payments:pay", payment_ref=payment.payment_ref)
            # Declined (or a double submit of a declined form): a fresh form, for another card.
            keep = {"expiry": form.data.get("expiry", ""), "name": form.data.get("name", "")}
            form = CardForm(initial=keep, decline=_last_decline(tried.payment))
            payment = tried.payment
    return render(request, "payments/pay_fake.html", _context(payment, form=form), status=400)


@csp_override(STRIPE_CSP)
def _stripe_page(request: HttpRequest, payment: Payment) -> HttpResponse:
    ref = payment.payment_ref
    return_url = request.build_absolute_uri(reverse("payments:done", args=[ref]))
    context = _context(
        payment,
        public_key=settings.STRIPE["public"],
        return_url=return_url,
        decline=_last_decline(payment),
    )
    return render(request, "payments/pay_stripe.html", context)


@login_required
@require_POST
def abandon(request: HttpRequest, payment_ref: str) -> HttpResponse:
    """The shopper gives up on this payment: nothing can be charged on it any more."""
    payment = payment_for_customer(int(request.user.pk or 0), payment_ref)
    try:
        payment = payment_abandon(
            payment_ref=payment.payment_ref, reason="the payment was cancelled by the customer"
        )
    except GatewayUnavailable:
        messages.error(request, "We could not cancel the payment just now: please try again.")
        return redirect("payments:pay", payment_ref=payment.payment_ref)
    if S(payment.status) is S.CANCELED:
        messages.info(
            request,
            "The payment is cancelled and nothing was charged. "
            "You can start a new one from this page while your items are held.",
        )
    return redirect(_order_url(payment.order_ref))


@login_required
def done(request: HttpRequest, payment_ref: str) -> HttpResponse:
    """Stripe's return_url: ask Stripe at once rather than wait for the webhook."""
    payment = payment_for_customer(int(request.user.pk or 0), payment_ref)
    if payment.gateway == STRIPE and payment.gateway_ref and active_gateway().name == STRIPE:
        try:
            intent = active_gateway().retrieve_intent(payment.gateway_ref)
        except (GatewayUnavailable, ContractError):
            intent = None  # the webhook or the reconciliation will settle it
        if intent is not None:
            settled = payment_apply_intent(
                gateway_ref=payment.gateway_ref,
                intent=intent,
                source=f"return:{payment.payment_ref}",
            )
            payment = settled or payment
    if S(payment.status) in (S.FAILED, S.CANCELED, S.REQUIRES_PAYMENT):
        return redirect("payments:pay", payment_ref=payment.payment_ref)
    return redirect(_order_url(payment.order_ref))
