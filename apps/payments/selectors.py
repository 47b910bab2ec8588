"""Payment reads."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404

from apps.payments.models import Payment
from contracts.payments.dto import PaymentFigures, PaymentStatus


def payment_for_customer(customer_id: int, payment_ref: str) -> Payment:
    """The payment `payment_ref` if `customer_id` pays it; 404 otherwise, so another shopper's
    payment looks exactly like one that does not exist."""
    payment = Payment.objects.filter(payment_ref=payment_ref, customer_id=customer_id).first()
    if payment is None:
        raise Http404("no such payment")
    return payment


def payment_figures(*, since: datetime) -> PaymentFigures:
    """Payments at a glance (`PaymentsService.figures`): one count on (status, updated_at)."""
    failed = Payment.objects.filter(status=PaymentStatus.FAILED.value, updated_at__gte=since)
    return PaymentFigures(failed=failed.count())
