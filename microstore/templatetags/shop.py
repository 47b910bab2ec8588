"""Template filters every app's pages share (a builtin: no {% load %} needed)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from contracts.kernel.money import Money

register = template.Library()


@register.filter
def money(value: Money | Decimal | str | int, currency: str = "") -> str:
    """``{{ dto.total|money }}`` or ``{{ product.price|money:product.currency }}`` → ``€19.99``."""
    if isinstance(value, Money):
        return value.format()
    return Money(Decimal(str(value)), currency or "EUR").format()
