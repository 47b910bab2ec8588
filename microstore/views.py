"""Pages of the composition root itself: the error pages, the CSRF failure page included."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

from microstore.problems import problem_response

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
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(SESSION_CHANGED, status=403, content_type="text/plain; charset=utf-8")
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    return render(request, "403_csrf.html", {"back": back}, status=403)


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
