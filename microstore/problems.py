"""Errors as RFC 9457 problem details (application/problem+json), each with a stable `code`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.views import set_rollback

from contracts.kernel.errors import ContractError, Unavailable

PROBLEM_JSON = "application/problem+json"

# Validation codes that depend on the data held, not on the request's form, and the answer
# they get (the later one wins when both occur).
STATE_CODES = {
    "unique": (409, "already_exists", "Something with this value already exists."),
    "does_not_exist": (422, "unknown_reference", "A field names something that does not exist."),
}


def problem_body(
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    instance: str | None = None,
    request_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A problem's fields; `type` points at the error's code in the API docs."""
    body: dict[str, Any] = {
        "type": f"/api/docs/#problem-{code}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
        body["request_id"] = request_id
    body.update(extra or {})
    return body


def problem_response(
    request: HttpRequest | None,
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """A problem+json response for `request`."""
    body = problem_body(
        status=status,
        code=code,
        title=title,
        detail=detail,
        instance=request.path if request is not None else None,
        request_id=getattr(request, "request_id", None),
        extra=extra,
    )
    return JsonResponse(body, status=status, content_type=PROBLEM_JSON, headers=headers)


def _path(prefix: str, key: object) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested validation detail as a flat list of {field, code, message}."""
    if isinstance(detail, dict):
        return [
            error for key, value in detail.items() for error in _flatten(value, _path(prefix, key))
        ]
    if isinstance(detail, list):
        out: list[dict[str, str]] = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            out += _flatten(value, f"{prefix}[{index}]" if nested else prefix)
        return out
    return [{"field": prefix or "non_field_errors", "code": detail.code, "message": str(detail)}]


def exception_handler(exc: Exception, context: dict[str, Any]) -> JsonResponse | None:
    """DRF's EXCEPTION_HANDLER: every API error becomes problem+json."""
    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, ContractError):
        set_rollback()
        detail, details = exc.message, dict(exc.details)
        if isinstance(exc, Unavailable) and "address" in details:
            # The transport's client could not reach a service: its internal address and the
            # socket's complaint are for the logs, not for the API's callers.
            detail = f"The {details.get('service', '')} service is unavailable; try again later."
            details = {"service": details.get("service", "")}
        return problem_response(
            request,
            status=exc.status,
            code=exc.code,
            title=exc.title,
            detail=detail,
            extra={"details": details} if details else None,
            headers={"Retry-After": "30"} if isinstance(exc, Unavailable) else None,
        )
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let Django log it and answer 500

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        held = {error["code"] for error in errors}
        if held and held <= STATE_CODES.keys():
            # Well-formed, but the data held disagrees: a taken value clashes with what exists
            # (409), a reference names nothing (422). 400 is kept for what the schema forbids.
            status, code, title = STATE_CODES[max(held, key=list(STATE_CODES).index)]
            return problem_response(
                request, status=status, code=code, title=title,
                detail="See `errors` for each field.", extra={"errors": errors}, headers=headers,
            )  # fmt: skip
        return problem_response(
            request,
            status=exc.status_code,
            code="validation_error",
            title="The submitted data is not valid.",
            detail="See `errors` for each field.",
            extra={"errors": errors},
            headers=headers,
        )
    codes = exc.get_codes()
    return problem_response(
        request,
        status=exc.status_code,
        code=codes if isinstance(codes, str) else exc.default_code,
        title=str(exc.default_detail),
        detail=str(exc.detail),
        headers=headers,
    )
