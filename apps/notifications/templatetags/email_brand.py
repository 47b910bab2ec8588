"""What every email layout needs, even when rendered outside our views (allauth's emails)."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def email_site() -> dict[str, str]:
    """``{% email_site as site %}``: the shop's name and its absolute base URL (no trailing /)."""
    return {"name": settings.SITE_NAME, "url": settings.SITE_URL.rstrip("/")}
