"""Stripe webhooks: verified first, stored once, applied in the transaction that stores them.

A forged, unsigned or stale request (older than `TOLERANCE_SECONDS`) is answered 400 before
anything is read or written. Each Stripe event id is stored in a unique row together with the
change it causes, so a duplicate or replayed delivery answers 200 and changes nothing, and a
failure while applying rolls the row back so that Stripe delivers the event again.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.payments.gateways import stripe_configured
from apps.payments.gateways.stripe import plain, to_intent
from apps.payments.models import Payment, WebhookEvent
from apps.payments.services import apply_intent, record_gateway_refund
from contracts.payments.dto import PaymentStatus

logger = logging.getLogger(__name__)
TOLERANCE_SECONDS = 300
INTENT_EVENTS = {
    "payment_intent.succeeded": PaymentStatus.SUCCEEDED,
    "payment_intent.payment_failed": PaymentStatus.FAILED,
    "payment_intent.canceled": PaymentStatus.CANCELED,
    "payment_intent.processing": PaymentStatus.PROCESSING,
}


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not stripe_configured():
        raise Http404("Stripe is not configured")
    try:
        event = stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE["webhook"],
            tolerance=TOLERANCE_SECONDS,
        )
    except (ValueError, stripe.SignatureVerificationError) as exc:
        logger.warning("Stripe webhook refused: %s", type(exc).__name__)
        return HttpResponseBadRequest("invalid signature")
    try:
        data = plain(event)
        applied = receive(data["id"], data["type"], data["data"]["object"])
    except IntegrityError:  # the same event, delivered twice at the same moment
        applied = False
    return HttpResponse("ok" if applied else "ignored", content_type="text/plain")


def receive(event_id: str, kind: str, obj: Any) -> bool:
    """Store the event once and apply it; False for a duplicate."""
    if WebhookEvent.objects.filter(event_id=event_id).exists():
        logger.info("Stripe event %s (%s) seen before: ignored", event_id, kind)
        return False
    with transaction.atomic(durable=True):
        row = WebhookEvent.objects.create(event_id=event_id, type=kind[:100])
        payment = None
        if kind in INTENT_EVENTS:
            intent = to_intent(obj)
            intent = type(intent)(
                ref=intent.ref, status=INTENT_EVENTS[kind], failure_code=intent.failure_code,
                failure_message=intent.failure_message,
            )  # fmt: skip
            payment = apply_intent(gateway_ref=intent.ref, intent=intent)
        elif kind == "charge.refunded" and obj.get("payment_intent"):
            gateway_ref = str(obj["payment_intent"])
            record_gateway_refund(
                gateway_ref=gateway_ref, refunded_minor=int(obj.get("amount_refunded") or 0),
                event_id=event_id,
            )  # fmt: skip
            payment = Payment.objects.filter(gateway_ref=gateway_ref).first()
        if payment is not None:
            row.payment_ref = payment.payment_ref
        row.save(update_fields=["payment_ref"])
    return True
