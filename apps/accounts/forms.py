"""Forms parse input only; the rules live in `apps.accounts.services`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from apps.accounts.models import Address, User
from apps.accounts.services import ADDRESS_FIELDS, PROFILE_FIELDS
from contracts.kernel.address import ADDRESS_PARTS, COUNTRY_PROMPT, COUNTRY_UNKNOWN


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
        # Labels come from the model, which takes them from ADDRESS_PARTS like the checkout.
        widgets = {
            "label": forms.TextInput(attrs={"autocomplete": "off"}),
            **{
                part.name: (forms.Select if part.name == "country" else forms.TextInput)(
                    attrs=part.input_attrs
                )
                for part in ADDRESS_PARTS
            },
        }
        error_messages = {
            "label": {"required": _("Enter a label, for example Home")},
            **{part.name: {"required": part.missing} for part in ADDRESS_PARTS if part.required},
        }
        error_messages["country"]["invalid_choice"] = COUNTRY_UNKNOWN

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = cast(forms.ChoiceField, self.fields["country"])  # the model field has choices
        country.choices = [("", COUNTRY_PROMPT), *countries]


class NewAddressForm(AddressForm):
    make_default = forms.BooleanField(
        label=_("Use as my default address"), required=False, initial=False
    )
