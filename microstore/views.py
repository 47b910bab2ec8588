"""Pages of the composition root itself: the home page and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from microstore.problems import problem_response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


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
