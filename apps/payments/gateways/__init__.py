"""Which payment gateway serves: Stripe when STRIPE["secret"] is configured, else the fake."""

from __future__ import annotations

from django.conf import settings

from apps.payments.gateways.base import Gateway, Intent, gateway_key
from apps.payments.gateways.fake import FakeGateway

__all__ = ["Gateway", "Intent", "active_gateway", "gateway_key", "stripe_configured"]


def stripe_configured() -> bool:
    return bool((getattr(settings, "STRIPE", None) or {}).get("secret"))


def active_gateway() -> Gateway:
    """The gateway chosen by the settings (read on each call, so `override_settings` works)."""
    if stripe_configured():
        from apps.payments.gateways.stripe import StripeGateway

        return StripeGateway(str(settings.STRIPE["secret"]))
    return FakeGateway()
