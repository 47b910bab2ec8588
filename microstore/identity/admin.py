"""The admin site of every process: Django's, plus what stands in for the user table where it
is not (`microstore.identity`).

With accounts elsewhere, staff sign in on the shop's sign-in page (served by the accounts
process), and the admin of this process's models works with their `ContractUser`: its rights
are the permission strings accounts gave. `LogEntry` points at the user table, so its actions
are logged through `logging` instead (logger ``microstore.admin``, one line per object with the
staff member's id), the history page says where they went, and the index shows no "recent
actions". With accounts in this process nothing changes: every method falls through to Django's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache

from microstore.identity import remote

audit = logging.getLogger("microstore.admin")


def log_admin_action(
    request: HttpRequest, action: str, objects: Iterable[Model], message: Any
) -> None:
    """One log line per object: what staff member (by id) did what to which object."""
    staff_id = getattr(request.user, "pk", None)
    for obj in objects:
        label = f"{obj._meta.label_lower}:{obj.pk}"
        audit.info(
            "staff %s %s %s (%s)%s",
            staff_id,
            action,
            label,
            obj,
            f": {message}" if message else "",
            extra={"admin_action": action, "object": label, "staff_id": staff_id},
        )


class DivertedLog:
    """Mixed into every ModelAdmin the site registers: with accounts elsewhere, the admin log
    goes to `logging` and the history page shows none."""

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        if not remote():
            return super().log_addition(request, obj, message)  # type: ignore[misc]
        log_admin_action(request, "added", [obj], message)
        return None

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        if not remote():
            return super().log_change(request, obj, message)  # type: ignore[misc]
        log_admin_action(request, "changed", [obj], message)
        return None

    def log_deletions(self, request: HttpRequest, queryset: Iterable[Model]) -> Any:
        if not remote():
            return super().log_deletions(request, queryset)  # type: ignore[misc]
        log_admin_action(request, "deleted", queryset, "")
        return None

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not remote():
            return super().history_view(request, object_id, extra_context)  # type: ignore[misc, no-any-return]
        model_admin: admin.ModelAdmin[Any] = self  # type: ignore[assignment]  # mixed in
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None:
            return model_admin._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined, no-any-return]  # private in the stubs
                request, model_admin.opts, object_id
            )
        if not model_admin.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        request.current_app = model_admin.admin_site.name
        context = {
            **model_admin.admin_site.each_context(request),
            "title": f"Change history: {obj}",
            "subtitle": None,
            "module_name": str(capfirst(model_admin.opts.verbose_name_plural)),
            "object": obj,
            "opts": model_admin.opts,
            "preserved_filters": model_admin.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/history_in_logs.html", context)


class ShopAdminSite(admin.AdminSite):
    """`admin.site`: every ModelAdmin registered gets `DivertedLog`; sign-in, sign-out and the
    password go through the shop's own pages when the users are in another process."""

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, DivertedLog):
            base = type(base.__name__, (DivertedLog, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response = super().index(request, extra_context)
        if remote() and isinstance(response, TemplateResponse):
            response.template_name = "admin/index_without_log.html"
        return response

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if not remote():
            return super().login(request, extra_context)
        index = reverse("admin:index", current_app=self.name)
        wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
        safe = url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        target = wanted if wanted and safe else index
        if self.has_permission(request):
            return HttpResponseRedirect(target)
        if request.user.is_authenticated:  # signed in, but not staff: no loop to the sign-in
            raise PermissionDenied
        from django.contrib.auth.views import redirect_to_login  # its forms need the models

        return redirect_to_login(target, resolve_url(settings.LOGIN_URL))

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        if not remote():
            return super().password_change(request, extra_context)
        return HttpResponseRedirect(reverse("account_change_password"))
