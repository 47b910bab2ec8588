"""Request-scoped middleware: the request id and the user id for logs, HTTP metrics, and the
503 page for a service that is down."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from contracts.kernel.errors import Unavailable
from microstore import context, metrics
from microstore.views import service_unavailable

REQUEST_ID_HEADER = "X-Request-ID"
# Anything else is counted as "other": a label must not take values from the caller.
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request: HttpRequest) -> str:
    """The resolved URL pattern ("/p/<slug:slug>/"), never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return f"/{match.route or ''}"


class MetricsMiddleware:
    """Count and time every request by route pattern, method and status (outermost)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            method = request.method if request.method in HTTP_METHODS else None
            elapsed = time.perf_counter() - started
            metrics.observe_request(route_of(request), method or "other", status, elapsed)


class RequestIdMiddleware:
    """Keep the caller's X-Request-ID (or make one), expose it to logs and echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = context.accept_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = rid  # type: ignore[attr-defined]  # read by views and problems
        # Not reset on the way out: Django logs the response ("Not Found: …") after the
        # middleware returns. `context.clear` runs on request_finished instead.
        context.request_id.set(rid)
        context.route.set(request.path)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = rid
        return response


class UserContextMiddleware:
    """Put the signed-in user's id and the resolved route into the log context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        uid = str(user.pk) if user is not None and user.is_authenticated else "-"
        context.user_id.set(uid)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: object, *args: object) -> None:
        route = route_of(request)
        if route != "unmatched":
            context.route.set(route)


class ServiceUnavailableMiddleware:
    """A page view that raises `Unavailable` (a service it needs is down or too slow) answers
    503 saying so (`views.service_unavailable`) instead of failing with a 500. DRF views answer
    problem+json themselves (`problems.exception_handler`); the transport's own endpoints never
    raise it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Unavailable):
            return None
        return service_unavailable(request, exception)
