"""Stripe webhooks: verified first, read whole, stored once, applied with the row that stores them.

A forged, unsigned or stale request (older than `TOLERANCE_SECONDS`) is answered 400 before
anything is read or written; so is a signed body we cannot use (`stripe_events.parse`). An event
type we do not act on, or about an intent that is not ours, is acknowledged (200) as Stripe asks,
and changes nothing. Each Stripe event id is stored in a unique row together with the change it
causes, so a duplicate or replayed delivery answers 200 and changes nothing, and a failure while
applying rolls the row back so that Stripe delivers the event again.
"""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.payments.gateways import Intent, stripe_configured
from apps.payments.models import Payment, WebhookEvent
from apps.payments.services import apply_intent, record_gateway_refund
from apps.payments.stripe_events import (
    ChargeRefunded,
    IntentEvent,
    StripeEvent,
    UnusableEvent,
    parse,
)

logger = logging.getLogger(__name__)
TOLERANCE_SECONDS = 300


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not stripe_configured():
        raise Http404("Stripe is not configured")
    try:
        stripe.WebhookSignature.verify_header(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE["webhook"],
            tolerance=TOLERANCE_SECONDS,
        )
        event = parse(request.body)
    except (ValueError, stripe.SignatureVerificationError) as exc:  # UnusableEvent included
        why = str(exc) if isinstance(exc, UnusableEvent) else type(exc).__name__
        logger.warning("Stripe webhook refused: %s", why)
        return HttpResponseBadRequest(
            "unusable event" if isinstance(exc, UnusableEvent) else "invalid signature"
        )
    try:
        applied = receive(event)
    except IntegrityError:  # the same event, delivered twice at the same moment
        applied = False
    return HttpResponse("ok" if applied else "ignored", content_type="text/plain")


def receive(event: StripeEvent) -> bool:
    """Store the event once and apply it; False for a duplicate or an event we do not act on."""
    if WebhookEvent.objects.filter(event_id=event.event_id).exists():
        logger.info("Stripe event %s (%s) seen before: ignored", event.event_id, event.type)
        return False
    with transaction.atomic(durable=True):
        row = WebhookEvent.objects.create(event_id=event.event_id, type=event.type)
        payment = _apply(event)
        if payment is not None:
            row.payment_ref = payment.payment_ref
            row.save(update_fields=["payment_ref"])
    if payment is None:
        logger.info(
            "Stripe event %s (%s) is not about a payment of ours: ignored",
            event.event_id,
            event.type,
        )
    return payment is not None


def _apply(event: StripeEvent) -> Payment | None:
    if isinstance(event, IntentEvent):
        intent = Intent(
            ref=event.intent_ref,
            status=event.status,
            failure_code=event.failure_code,
            failure_message=event.failure_message,
            attempt_ref=event.attempt_ref,
        )
        return apply_intent(
            gateway_ref=event.intent_ref, intent=intent, source=f"webhook:{event.event_id}"
        )
    if isinstance(event, ChargeRefunded) and event.intent_ref:
        record_gateway_refund(
            gateway_ref=event.intent_ref,
            refunded_minor=event.refunded_minor,
            event_id=event.event_id,
        )
        return Payment.objects.filter(gateway_ref=event.intent_ref).first()
    return None
