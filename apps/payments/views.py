"""The pay page: our own page for collecting a payment, whichever gateway serves.

With Stripe it mounts the Payment Element (Stripe.js is allowed in the CSP of this page only);
with the fake gateway it is a card form that takes Stripe's test cards. Only the paying
customer may see it: anyone else gets the same 404 as for a payment that does not exist.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csp import csp_override

from apps.payments.forms import CardForm
from apps.payments.gateways import active_gateway
from apps.payments.gateways.fake import NAME as FAKE
from apps.payments.gateways.stripe import NAME as STRIPE
from apps.payments.models import Payment
from apps.payments.selectors import payment_for_customer
from apps.payments.services import payment_apply_intent, payment_pay_with_test_card
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


def _order_url(order_ref: str) -> str:
    return reverse("orders:detail", args=[order_ref])


def _context(payment: Payment, **extra: object) -> dict[str, object]:
    amount = Money(payment.amount, payment.currency)
    return {"payment": payment, "amount": amount, **extra}


@login_required
def pay(request: HttpRequest, payment_ref: str) -> HttpResponse:
    payment = payment_for_customer(int(request.user.pk or 0), payment_ref)
    status = S(payment.status)
    if status in (S.FAILED, S.CANCELED):
        why = DECLINES.get(payment.decline_code, payment.failure_reason)
        return render(request, "payments/failed.html", _context(payment, why=why))
    if status is not S.REQUIRES_PAYMENT:
        return redirect(_order_url(payment.order_ref))  # paid, processing or refunded
    if payment.gateway == STRIPE:
        return _stripe_page(request, payment)
    if payment.gateway != FAKE:
        return redirect(_order_url(payment.order_ref))
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = payment_pay_with_test_card(
                payment_ref=payment.payment_ref, number=form.cleaned_data["number"]
            )
        except ContractError as exc:
            form.add_error(None, exc.message)
        else:
            if S(payment.status) is S.SUCCEEDED:
                return redirect(_order_url(payment.order_ref))
            return redirect("payments:pay", payment_ref=payment.payment_ref)
    status_code = 400 if form.is_bound else 200
    return render(request, "payments/pay_fake.html", _context(payment, form=form),
                  status=status_code)  # fmt: skip


@csp_override(STRIPE_CSP)
def _stripe_page(request: HttpRequest, payment: Payment) -> HttpResponse:
    ref = payment.payment_ref
    return_url = request.build_absolute_uri(reverse("payments:done", args=[ref]))
    context = _context(payment, public_key=settings.STRIPE["public"], return_url=return_url)
    return render(request, "payments/pay_stripe.html", context)


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
            settled = payment_apply_intent(gateway_ref=payment.gateway_ref, intent=intent)
            payment = settled or payment
    if S(payment.status) in (S.FAILED, S.CANCELED, S.REQUIRES_PAYMENT):
        return redirect("payments:pay", payment_ref=payment.payment_ref)
    return redirect(_order_url(payment.order_ref))
