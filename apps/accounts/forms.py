"""Forms parse input only; the rules live in `apps.accounts.services`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.countries import COUNTRIES
from apps.accounts.models import Address, User
from apps.accounts.services import ADDRESS_FIELDS, PROFILE_FIELDS


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = PROFILE_FIELDS
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
        help_texts = {"phone": _("Only used if a courier needs to reach you.")}


class AddressForm(forms.ModelForm[Address]):
    """Bound to no instance on purpose: an edit passes `initial` and the view calls a service,
    so an invalid submission never touches the stored address, not even in memory."""

    class Meta:
        model = Address
        fields = ADDRESS_FIELDS
        widgets = {
            "label": forms.TextInput(attrs={"autocomplete": "off"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = cast(forms.ChoiceField, self.fields["country"])  # the model field has choices
        country.choices = [("", _("Choose a country")), *COUNTRIES]


class NewAddressForm(AddressForm):
    make_default = forms.BooleanField(
        label=_("Use as my default address"), required=False, initial=False
    )
