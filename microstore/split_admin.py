"""The admin in a process of the split topology: every registration loads, only its own models
answer.

The code is the same in every process, so each app's admin registers everywhere and the index
links every model (the gateway routes `/admin/<app_label>/...` to the owning process). In a role,
the pages of a model whose table is in another service's database answer 404, naming the
service that serves them, instead of failing on a missing table; and "View on site" links to the
object's page itself, because the admin's `/admin/r/<content type>/<id>/` shortcut would be
answered by the admin's host, whose content type ids are its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern

from microstore import topology


def served_elsewhere(owner: str) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raise Http404(f"this admin page is served by the {owner} service's process")

    return view


def _moved(patterns: list[URLPattern], owner: str) -> list[URLPattern]:
    view = served_elsewhere(owner)
    return [URLPattern(p.pattern, view, p.default_args, p.name) for p in patterns]


def _answer_elsewhere(model_admin: admin.ModelAdmin[Any], owner: str) -> None:
    get_urls = model_admin.get_urls
    # The URL names stay (the index and other pages reverse them); only the views change.
    model_admin.get_urls = lambda: _moved(get_urls(), owner)  # type: ignore[method-assign]  # per instance


def _view_on_site_directly(model_admin: admin.ModelAdmin[Any]) -> None:
    if model_admin.view_on_site is True and hasattr(model_admin.model, "get_absolute_url"):
        model_admin.view_on_site = lambda obj: obj.get_absolute_url()


def install(role: str, site: admin.AdminSite = admin.site) -> None:
    """Adapt `site`'s registrations to the process running `role` (once, at start-up)."""
    for model, model_admin in site._registry.items():
        label = model._meta.app_label
        if topology.migrates(role, label):
            _view_on_site_directly(model_admin)
        else:
            _answer_elsewhere(model_admin, topology.app_owner(label) or topology.ADMIN_HOST)
