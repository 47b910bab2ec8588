"""Pages of the composition root itself: the error pages, the CSRF failure page included."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

from contracts.kernel.errors import Unavailable
from microstore.problems import problem_response

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    "This part of the shop is unavailable right now. The rest of the shop still works: "
    "please try again in a few minutes."
)
RETRY_AFTER_SECONDS = 30
SESSION_CHANGED = (
    "Your session changed (you signed in or out in another tab, or the page was open a long "
    "time), so this was not sent and nothing changed. Reload the page and try again."
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/internal/"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose CSRF token no longer matches (settings.CSRF_FAILURE_VIEW). Pages get the
    shop's layout; an HTMX request gets the sentence alone, which static/js/app.js shows."""
    if _is_api(request):
        return problem_response(
            request,
            status=403,
            code="csrf_failed",
            title="CSRF check failed.",
            detail="Send the X-CSRFToken header with a session, or authenticate with a token.",
        )
    if _is_htmx(request):
        return HttpResponse(SESSION_CHANGED, status=403, content_type="text/plain; charset=utf-8")
    return render(request, "403_csrf.html", {"back": _referer(request)}, status=403)


def service_unavailable(request: HttpRequest, exc: Unavailable) -> HttpResponse:
    """A page whose service could not answer (`Unavailable`, raised by the transport's client
    for a remote that is down or too slow): 503 in the shop's layout, with a way back and the
    request id, instead of a 500. An HTMX request gets the sentence alone (static/js/app.js
    shows it); the API answers problem+json (DRF's handler, or here for any other /api/ view)."""
    logger.warning(
        "%s %s answered 503: %s", request.method, request.path, exc.message,
        extra={"details": dict(exc.details)},
    )  # fmt: skip
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _is_api(request):
        return problem_response(
            request, status=503, code=exc.code, title=exc.title, headers=headers,
            detail="A service behind this resource is unavailable; try again later.",
        )  # fmt: skip
    if _is_htmx(request):
        return HttpResponse(
            UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8", headers=headers
        )
    context = {
        "request_id": getattr(request, "request_id", ""),
        "retry": request.get_full_path() if request.method in ("GET", "HEAD") else "",
        "back": _referer(request),
    }
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = headers["Retry-After"]
    return response


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _referer(request: HttpRequest) -> str:
    """The page the visitor came from, when it is one of ours ("" otherwise)."""
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return ""
    return back


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(
            request, status=404, code="not_found", title="Not found.",
            detail="There is no API resource at this address.",
        )  # fmt: skip
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, status=403, code="permission_denied", title="Forbidden.")
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, status=400, code="bad_request", title="Bad request.")
    return render(request, "400.html", status=400)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem_response(
            request, status=500, code="server_error", title="Something went wrong on our side.",
            detail="The error was logged; quote the request id when you report it.",
        )  # fmt: skip
    return render(
        request, "500.html", {"request_id": getattr(request, "request_id", "")}, status=500
    )
