"""The customer's account pages. Each view parses input, calls one service, renders the result.

Every address id that arrives in a URL goes through `selectors.address_for_user`, which answers
404 for anything that is not the signed-in customer's own address.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import selectors, services
from apps.accounts.forms import AddressForm, NewAddressForm, ProfileForm
from apps.accounts.models import Address, User
from apps.accounts.services import ADDRESS_FIELDS, PROFILE_FIELDS

GET_POST = ["GET", "POST"]


def _apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form it came from."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _customer(request: HttpRequest) -> User:
    """The signed-in customer (every view here is behind login_required)."""
    return cast(User, request.user)


def _book_context(request: HttpRequest) -> dict[str, object]:
    return {"addresses": list(selectors.address_list(user=_customer(request)))}


@login_required
@require_http_methods(GET_POST)
def profile(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    initial = {name: getattr(user, name) for name in PROFILE_FIELDS}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Your details are saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, **_book_context(request)})


@login_required
@require_http_methods(["GET"])
def address_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/addresses.html", _book_context(request))


@login_required
@require_http_methods(GET_POST)
def address_add(request: HttpRequest) -> HttpResponse:
    form = NewAddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            address = services.address_create(user=_customer(request), **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"“{address.label}” is in your address book.")
            return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form, "address": None})


@login_required
@require_http_methods(GET_POST)
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    address = selectors.address_for_user(request.user, address_id)
    initial = {name: getattr(address, name) for name in ADDRESS_FIELDS}
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_update(address=address, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"“{address.label}” is saved.")
            return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
@require_http_methods(GET_POST)
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    address = selectors.address_for_user(request.user, address_id)
    if request.method == "POST":
        services.address_delete(address=address)
        messages.success(request, f"“{address.label}” is deleted.")
        return redirect("accounts:addresses")
    return render(request, "accounts/address_confirm_delete.html", {"address": address})


@login_required
@require_POST
def address_make_default(request: HttpRequest, address_id: int) -> HttpResponse:
    address = selectors.address_for_user(request.user, address_id)
    try:
        services.address_set_default(address=address)
    except Address.DoesNotExist:
        raise Http404("No such address.") from None
    origin = "profile" if request.POST.get("origin") == "profile" else "addresses"
    if getattr(request, "htmx", False):
        status = f"“{address.label}” is now your default address."
        context = {**_book_context(request), "status": status, "origin": origin}
        return render(request, "accounts/addresses.html#book", context)
    messages.success(request, f"“{address.label}” is now your default address.")
    return redirect(f"accounts:{origin}")
