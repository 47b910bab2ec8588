from django import template

from apps.catalog.selectors import LOW_STOCK

register = template.Library()


@register.inclusion_tag("catalog/_availability.html")
def availability(available: int) -> dict[str, object]:
    """In stock / Only N left / Out of stock, with a colour."""
    if available <= 0:
        return {"kind": "out", "text": "Out of stock"}
    if available <= LOW_STOCK:
        return {"kind": "low", "text": f"Only {available} left"}
    return {"kind": "in", "text": "In stock"}
