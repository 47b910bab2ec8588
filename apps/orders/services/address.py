"""Where an order may ship: the rules of a shipping address, checked once for every entry point
(the checkout page, the REST API, any caller of the service) before anything is held or charged.

The parts and their limits are the table every address form is built from
(`contracts.kernel.address`); the countries are django-countries' list, as in the address book.
"""

from __future__ import annotations

from django_countries import countries

from contracts.kernel.address import ADDRESS_PARTS, COUNTRY_UNKNOWN, too_long
from contracts.orders.dto import ShippingAddressDTO
from contracts.orders.errors import InvalidShippingAddress


def shipping_address_problems(address: ShippingAddressDTO) -> dict[str, str]:
    """{part name: what is wrong with it}; empty when the order can ship to `address`."""
    problems: dict[str, str] = {}
    for part in ADDRESS_PARTS:
        value = getattr(address, part.name)
        if part.required and not value.strip():
            problems[part.name] = part.missing
        elif len(value) > part.max_length:
            problems[part.name] = too_long(part)
    if "country" not in problems and address.country not in countries:
        problems["country"] = COUNTRY_UNKNOWN
    return problems


def shipping_address_check(address: ShippingAddressDTO) -> None:
    """Raise InvalidShippingAddress (details: fields) unless the order can ship to `address`."""
    problems = shipping_address_problems(address)
    if problems:
        named = ", ".join(f"{name} ({why.lower()})" for name, why in problems.items())
        raise InvalidShippingAddress(
            f"the shipping address cannot be used: {named}", details={"fields": problems}
        )
