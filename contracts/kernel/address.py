"""The parts of a postal address, as every service asks for one and every page shows one.

The address book (accounts) and the checkout (orders) build their inputs from this one table, so
a shopper meets the same labels, limits and required parts wherever they type an address, and
the orders service checks a shipping address against the same rules whatever its entry point.

`country` is an ISO 3166-1 alpha-2 code. Which codes exist is not written here: both services
take the list from django-countries (a Django library, so it stays out of the contracts).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AddressPart:
    """One part: its field name (the same in every DTO, form and model), the label people read,
    its longest value, whether it is required, its HTML `autocomplete` token and, for a required
    part, the message that asks for it."""

    name: str
    label: str
    max_length: int
    required: bool
    autocomplete: str
    missing: str = ""

    @property
    def input_attrs(self) -> dict[str, str]:
        """The HTML attributes of its input (a phone keypad for the phone)."""
        attrs = {"autocomplete": self.autocomplete}
        if self.autocomplete == "tel":
            attrs["inputmode"] = "tel"
        return attrs


# In the order a form shows them (postal code before the city, as most of our countries write).
ADDRESS_PARTS: tuple[AddressPart, ...] = (
    AddressPart("full_name", "Full name", 150, True, "name", "Enter the full name"),
    AddressPart(
        "line1", "Address line 1", 200, True, "address-line1", "Enter the first line of the address"
    ),
    AddressPart("line2", "Address line 2", 200, False, "address-line2"),
    AddressPart("postal_code", "Postal code", 20, True, "postal-code", "Enter the postal code"),
    AddressPart("city", "City", 100, True, "address-level2", "Enter the city"),
    AddressPart("region", "Region or state", 100, False, "address-level1"),
    AddressPart("country", "Country", 2, True, "country", "Choose a country"),
    AddressPart("phone", "Phone", 32, False, "tel"),
)
ADDRESS_PART: dict[str, AddressPart] = {part.name: part for part in ADDRESS_PARTS}

COUNTRY_PROMPT = "Choose a country"  # the empty first option of a country list
COUNTRY_UNKNOWN = "Choose a country from the list"


def too_long(part: AddressPart) -> str:
    return f"At most {part.max_length} characters"
