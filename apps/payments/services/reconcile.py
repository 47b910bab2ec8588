"""Reconciliation: what a lost webhook or a lost answer would otherwise leave waiting."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone

from apps.payments.gateways import active_gateway, stripe_configured
from apps.payments.gateways.stripe import NAME as STRIPE
from apps.payments.models import Payment
from apps.payments.services.intents import payment_apply_intent
from apps.payments.services.refunds import refunds_resume
from contracts.payments.dto import PaymentStatus
from contracts.payments.errors import GatewayUnavailable, PaymentRejected

logger = logging.getLogger(__name__)
S = PaymentStatus
RECONCILE_AFTER = timedelta(minutes=5)
RECONCILE_WINDOW = timedelta(days=1)  # an intent nobody touched for a day was abandoned
RECONCILE_BATCH = 100


def payments_reconcile(*, now: datetime | None = None) -> int:
    """Ask Stripe about payments that have waited over RECONCILE_AFTER and settle those whose
    intent moved on, so a lost webhook cannot leave an order unpaid; resume refunds whose answer
    was lost. Returns how many moved. The fake gateway settles in the request."""
    now = now or timezone.now()
    moved = refunds_resume(older_than=now - RECONCILE_AFTER, limit=RECONCILE_BATCH)
    if not stripe_configured():
        return moved
    stuck = (
        Payment.objects.filter(
            gateway=STRIPE,
            status__in=(S.REQUIRES_PAYMENT.value, S.PROCESSING.value),
            updated_at__lt=now - RECONCILE_AFTER,
            created_at__gte=now - RECONCILE_WINDOW,
        )
        .exclude(gateway_ref="")
        .order_by("updated_at")[:RECONCILE_BATCH]
    )
    gateway = active_gateway()
    for payment in list(stuck):
        try:
            intent = gateway.retrieve_intent(payment.gateway_ref)
        except (GatewayUnavailable, PaymentRejected) as exc:
            logger.warning("reconciling %s: %s", payment.payment_ref, exc)
            continue
        before = (payment.status, payment.decline_code)
        settled = payment_apply_intent(
            gateway_ref=payment.gateway_ref, intent=intent, source=f"reconcile:{now.isoformat()}"
        )
        moved += settled is not None and (settled.status, settled.decline_code) != before
    return moved
