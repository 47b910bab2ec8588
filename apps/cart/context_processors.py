"""Placeholder until the cart app lands (replaced by the cart implementation)."""

from typing import Any

from django.http import HttpRequest


def cart(request: HttpRequest) -> dict[str, Any]:
    return {"cart_count": 0}
