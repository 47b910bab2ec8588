"""/ops/: the staff dashboard. Polled by HTMX every few seconds; its buttons work without JS."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from contracts.notifications.service import notifications_service
from microstore.ops import processes
from microstore.ops.board import board
from microstore.outbox import delivery
from microstore.problems import problem_response

REFRESH_SECONDS = 10
View = Callable[..., HttpResponse]


def staff_only(view: View) -> View:
    """Anonymous visitors go to sign in; signed-in shoppers get 403."""

    @wraps(view)
    def check(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            login = redirect_to_login(request.get_full_path())
            if request.htmx:  # type: ignore[attr-defined]  # a poll after the session ended:
                return HttpResponseClientRedirect(login["Location"])  # the whole page goes
            return login
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied("the operations dashboard is for staff")
        return view(request, *args, **kwargs)

    return check


def _render(request: HttpRequest) -> HttpResponse:
    template = "ops/dashboard.html#board" if request.htmx else "ops/dashboard.html"  # type: ignore[attr-defined]
    context = board() | {"refresh_seconds": REFRESH_SECONDS}
    return render(request, template, context)


@never_cache
@require_safe
@staff_only
def dashboard(request: HttpRequest) -> HttpResponse:
    return _render(request)


def _after_action(request: HttpRequest, text: str | None) -> HttpResponse:
    if text:
        messages.success(request, text)
    if request.htmx:  # type: ignore[attr-defined]
        return _render(request)
    return HttpResponseRedirect(reverse("ops:dashboard"))


MAX_IDS = 100


def _ids(request: HttpRequest) -> list[int]:
    """The posted ids that are plain numbers (others are ignored), at most MAX_IDS."""
    values = request.POST.getlist("id")[:MAX_IDS]
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 18]


@never_cache
@require_POST
@staff_only
def replay_deliveries(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("outbox.change_delivery"):
        raise PermissionDenied("replaying deliveries needs the change delivery permission")
    service = request.POST.get("service", "")
    if not service:  # this process's own outbox
        count = delivery.replay(_ids(request))
        return _after_action(request, f"{count} dead deliveries queued again.")
    if service not in processes.remote_services():
        return problem_response(
            request,
            status=400,
            code="unknown_service",
            title="No such service process.",
            detail=f"{service[:40]!r} does not run in a process of its own",
        )
    try:
        count = processes.replay_remote(service, _ids(request))
    except processes.NoView as exc:
        messages.error(request, f"Nothing replayed: {exc}")
        return _after_action(request, None)
    return _after_action(request, f"{count} dead deliveries of {service} queued again.")


@never_cache
@require_POST
@staff_only
def resend_notifications(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("notifications.change_notification"):
        raise PermissionDenied("sending emails again needs the change notification permission")
    count = notifications_service().resend(tuple(_ids(request)))
    return _after_action(request, f"{count} failed emails queued again.")
