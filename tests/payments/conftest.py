from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import stripe

from apps.payments.gateways import stripe as stripe_gateway
from apps.payments.models import Payment
from apps.payments.services import payment_start
from contracts.kernel.money import Money
from contracts.payments.dto import PaymentCustomer
from microstore.outbox.models import OutboxEvent
from tests.accounts.factories import UserFactory
from tests.payments.stripe_api import FakeStripeAPI

STRIPE_KEYS = {"secret": "sk_test_123", "public": "pk_test_123", "webhook": "whsec_test_abc"}


@pytest.fixture
def stripe_api(settings: Any, monkeypatch: pytest.MonkeyPatch) -> FakeStripeAPI:
    """Switch payments to Stripe, with the real SDK talking to an in-memory Stripe."""
    api = FakeStripeAPI()
    settings.STRIPE = STRIPE_KEYS
    monkeypatch.setattr(stripe_gateway, "http_client_factory", lambda: api)
    monkeypatch.setattr(stripe_gateway, "MAX_NETWORK_RETRIES", 0)  # retries tested on their own
    return api


@pytest.fixture
def shopper(db: None) -> Any:
    return UserFactory(email="ada@example.com", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def open_payment(shopper: Any) -> Callable[..., Payment]:
    def open_(amount: str = "79.90", *, key: str | None = None, order_ref: str = "MS-TEST-0001"):
        return payment_start(
            order_ref=order_ref, amount=Money(Decimal(amount), "EUR"),
            customer=PaymentCustomer(shopper.pk, shopper.email, "Ada Lovelace"),
            idempotency_key=key or uuid.uuid4().hex,
        )  # fmt: skip

    return open_


def published(event_type: str) -> list[dict[str, Any]]:
    return [
        e.payload
        for e in OutboxEvent.objects.filter(event_type=event_type).order_by("published_at")
    ]


def event_types() -> list[str]:
    return list(OutboxEvent.objects.order_by("published_at").values_list("event_type", flat=True))


def signed(client: Any, event: dict[str, Any], *, secret: str = STRIPE_KEYS["webhook"],
           timestamp: int | None = None, header: str | None = None) -> Any:  # fmt: skip
    payload = json.dumps(event)
    when = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature.generate_signature_header(payload, secret, when)
    extra = {} if header == "" else {"HTTP_STRIPE_SIGNATURE": header or signature}
    return client.post("/webhooks/stripe/", data=payload, content_type="application/json", **extra)


def stripe_event(kind: str, obj: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "type": kind,
        "data": {"object": obj},
    }


def signed_body(client: Any, payload: str, *, secret: str = STRIPE_KEYS["webhook"]) -> Any:
    """POST `payload` exactly as given, correctly signed: for bodies `json.dumps` cannot make."""
    signature = stripe.WebhookSignature.generate_signature_header(payload, secret, int(time.time()))
    return client.post("/webhooks/stripe/", data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=signature)  # fmt: skip
