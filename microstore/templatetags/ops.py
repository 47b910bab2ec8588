"""Filters of the ops dashboard: `{% load ops %}`."""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html

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


@register.filter
def address(url: str) -> str:
    """A service's address, breakable after its scheme only: "http://<wbr>127.0.0.1:8101"
    wraps as two whole parts in a narrow column, never mid-host."""
    scheme, sep, rest = str(url).partition("://")
    if not sep:
        return escape(url)
    return format_html("{}://<wbr>{}", scheme, rest)
