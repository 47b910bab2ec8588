"""Filters of the ops dashboard: `{% load ops %}`."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def ms(seconds: float) -> str:
    """0.0123 → "12 ms"; below 10 ms with one decimal."""
    value = seconds * 1000
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


@register.filter
def percent(share: float) -> str:
    """0.0125 → "1.3 %"; exact zero as "0 %"."""
    return "0 %" if share == 0 else f"{share * 100:.1f} %"
