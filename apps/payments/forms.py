"""Forms of the pay page (the fake gateway's card form) and of the refund admin action."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from apps.payments.gateways.fake import TEST_CARDS

TEST_MODE_ONLY = (
    "Test mode accepts Stripe's test cards only: use 4242 4242 4242 4242 to pay, "
    "4000 0000 0000 0002 for a decline."
)


def luhn_ok(number: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(number)):
        digit = int(char)
        if i % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


class CardForm(forms.Form):
    """A card as Stripe's test mode takes it. Nothing of it is stored."""

    number = forms.CharField(
        label="Card number", max_length=23,
        widget=forms.TextInput(attrs={
            "autocomplete": "cc-number", "inputmode": "numeric",
            "placeholder": "4242 4242 4242 4242",
        }),
    )  # fmt: skip
    expiry = forms.CharField(
        label="Expiry (MM/YY)", max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/YY",
                                      "inputmode": "numeric"}),
    )  # fmt: skip
    cvc = forms.CharField(
        label="CVC", max_length=4,
        widget=forms.TextInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric",
                                      "placeholder": "123"}),
    )  # fmt: skip
    name = forms.CharField(
        label="Name on card",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "cc-name"}),
    )
    # One per form shown: submitting the same form twice is one attempt, charged at most once.
    # A post without one (a page cached from before) is an attempt of its own.
    attempt = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, decline: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("attempt", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.decline = decline
        if decline:  # the last card was refused: point at the number, say why beside it
            self.fields["number"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": "card-declined"}
            )

    def clean_attempt(self) -> str:
        return str(self.cleaned_data["attempt"]) or uuid.uuid4().hex

    def clean_number(self) -> str:
        number = re.sub(r"[\s-]", "", self.cleaned_data["number"])
        if not (number.isdigit() and 12 <= len(number) <= 19 and luhn_ok(number)):
            raise forms.ValidationError("This card number is not valid.")
        if number not in TEST_CARDS:
            raise forms.ValidationError(TEST_MODE_ONLY)
        return number

    def clean_expiry(self) -> date:
        match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", self.cleaned_data["expiry"])
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError("Enter the expiry as MM/YY.")
        year = int(match[2]) + (2000 if len(match[2]) == 2 else 0)
        month = int(match[1])
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise forms.ValidationError("This card has expired.")
        return date(year, month, 1)

    def clean_cvc(self) -> str:
        cvc = str(self.cleaned_data["cvc"]).strip()
        if not (cvc.isdigit() and len(cvc) in (3, 4)):
            raise forms.ValidationError("The CVC is the 3 or 4 digits on the back of the card.")
        return cvc


class RefundForm(forms.Form):
    """How much to refund of one payment (the admin action's intermediate page)."""

    amount = forms.DecimalField(min_value=Decimal("0.01"), decimal_places=3, max_digits=12)
    reason = forms.CharField(max_length=300, initial="refunded by staff")
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, left: Decimal, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].initial = left
        self.fields["amount"].label = f"Amount in {currency} (at most {left})"
