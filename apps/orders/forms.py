"""The checkout form: a saved address or a new one, and the idempotency key."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from contracts.accounts.dto import AddressDTO
from contracts.orders.dto import ShippingAddressDTO, idempotency_key_problem

NEW = "new"


class CheckoutForm(forms.Form):
    address = forms.ChoiceField(widget=forms.RadioSelect, label="Ship to")
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    line1 = forms.CharField(label="Address", max_length=200, required=False)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    region = forms.CharField(max_length=100, required=False)
    country = forms.RegexField(
        regex=r"^[A-Za-z]{2}$", max_length=2, required=False,
        help_text="Two letters, e.g. FR, DE, GB.",
        error_messages={"invalid": "Use the two-letter country code, e.g. FR."},
    )  # fmt: skip
    phone = forms.CharField(max_length=30, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, strip=False)

    REQUIRED_NEW = ("full_name", "line1", "city", "postal_code", "country")

    def __init__(self, *args: Any, addresses: tuple[AddressDTO, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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

    def new_address_fields(self) -> list[forms.BoundField]:
        names = ("full_name", "line1", "line2", "city", "postal_code", "region", "country", "phone")
        return [self[name] for name in names]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("address") == NEW:
            for name in self.REQUIRED_NEW:
                if not (data.get(name) or "").strip():
                    self.add_error(name, "This field is required for a new address.")
        return data

    def clean_idempotency_key(self) -> str:
        key: str = self.cleaned_data["idempotency_key"]
        problem = idempotency_key_problem(key)
        if problem is not None:
            raise forms.ValidationError(problem)
        return key

    def shipping_address(self) -> ShippingAddressDTO:
        data = self.cleaned_data
        chosen = self.addresses.get(data["address"])
        if chosen is not None:
            return ShippingAddressDTO(
                full_name=chosen.full_name, line1=chosen.line1, line2=chosen.line2,
                city=chosen.city, postal_code=chosen.postal_code, region=chosen.region,
                country=chosen.country, phone=chosen.phone,
            )  # fmt: skip
        return ShippingAddressDTO(
            **{name: data[name].strip() for name in ("full_name", "line1", "line2", "city",
                                                     "postal_code", "region", "phone")},
            country=data["country"].upper(),
        )  # fmt: skip
