"""The checkout form: a saved address or a new one, and the idempotency key."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from django import forms
from django_countries import countries

from contracts.accounts.dto import AddressDTO
from contracts.kernel.address import ADDRESS_PARTS, COUNTRY_PROMPT, COUNTRY_UNKNOWN, AddressPart
from contracts.orders.dto import ShippingAddressDTO, idempotency_key_problem

NEW = "new"


def _new_address_field(part: AddressPart) -> forms.Field:
    """The checkout's input for one part, built from the table the address book's model uses,
    so both show the same label, limit and list. Optional at the form level (a saved address
    needs none of them): `clean` asks for the required parts when the address is new, and the
    `required` attribute marks them, shown only with the new address."""
    attrs = {**part.input_attrs, **({"required": True} if part.required else {})}
    if part.name == "country":
        return forms.ChoiceField(
            label=part.label,
            required=False,
            choices=lambda: [("", COUNTRY_PROMPT), *countries],
            widget=forms.Select(attrs=attrs),
            error_messages={"invalid_choice": COUNTRY_UNKNOWN},
        )
    return forms.CharField(
        label=part.label,
        max_length=part.max_length,
        required=False,
        widget=forms.TextInput(attrs=attrs),
    )


class CheckoutForm(forms.Form):
    address = forms.ChoiceField(widget=forms.RadioSelect, label="Ship to")
    idempotency_key = forms.CharField(widget=forms.HiddenInput, strip=False)

    def __init__(self, *args: Any, addresses: tuple[AddressDTO, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parts = {part.name: _new_address_field(part) for part in ADDRESS_PARTS}
        # In the order of the page, which the error summary follows.
        self.fields = {
            "address": self.fields["address"],
            **parts,
            "idempotency_key": self.fields["idempotency_key"],
        }
        self.addresses = {str(a.id): a for a in addresses}
        self.fields["address"].choices = [(str(a.id), a.label) for a in addresses] + [
            (NEW, "A new address")
        ]
        default = next((a for a in addresses if a.is_default), None)
        self.fields["address"].initial = str(default.id) if default else NEW
        self.fields["idempotency_key"].initial = uuid.uuid4().hex

    def address_options(self) -> list[tuple[str, str, AddressDTO | None, bool]]:
        """(value, label, saved address or None, checked) for the template."""
        current = str(self["address"].value())
        return [
            (value, label, self.addresses.get(value), value == current)
            for value, label in self.fields["address"].choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("address") == NEW:
            for part in ADDRESS_PARTS:
                if part.required and not data.get(part.name) and part.name not in self.errors:
                    self.add_error(part.name, part.missing)
        return data

    def clean_idempotency_key(self) -> str:
        key: str = self.cleaned_data["idempotency_key"]
        problem = idempotency_key_problem(key)
        if problem is not None:
            raise forms.ValidationError(problem)
        return key

    def shipping_address(self) -> ShippingAddressDTO:
        """The saved address chosen, or the new one typed (the orders service checks both)."""
        data = self.cleaned_data
        chosen = self.addresses.get(data["address"])
        source = data if chosen is None else asdict(chosen)
        return ShippingAddressDTO(**{part.name: source[part.name] for part in ADDRESS_PARTS})
