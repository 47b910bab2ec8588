"""The OpenAPI schema: every answer an operation can give, in one mechanism.

Views declare only what is theirs: their summary and the problems their services raise
(`extend_schema(responses={409: OpenApiResponse(description="`product_unavailable`: …")})`).
This AutoSchema adds what every view shares, read from the view itself: 400 for a body or a
query, 401 where credentials are read, 403 where a permission or the CSRF check can refuse,
404 for a path's object or a page past the last, 415 for a body, and a `Retry-After` header
with each 429. Every 4xx is an `application/problem+json` body (`microstore.problems`).
It also names operations for people: `product_list`, tags by app, summaries per action.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication

from microstore.problems import PROBLEM_JSON

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
WITH_BODY = ("POST", "PUT", "PATCH")

FIELD_ERROR = {
    "type": "object",
    "properties": {
        "field": {"type": "string", "description": "The field or parameter, e.g. `lines[0].sku`"},
        "code": {"type": "string", "description": "Stable, e.g. `required`, `max_value`."},
        "message": {"type": "string"},
    },
    "required": ["field", "code", "message"],
}
PROBLEM = {
    "type": "object",
    "description": "An RFC 9457 problem. `code` is stable and machine-readable; `title` and "
    "`detail` are for people.",
    "properties": {
        "type": {"type": "string", "description": "Where the code is explained."},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string", "description": "e.g. `validation_error`, `not_found`."},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The path that was asked for."},
        "request_id": {"type": "string", "nullable": True, "description": "X-Request-ID."},
        "errors": {
            "type": "array",
            "items": FIELD_ERROR,
            "description": "With `validation_error`: one entry per invalid field or parameter.",
        },
        "details": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status", "code"],
}
GENERIC = {
    400: "`validation_error`: a field or parameter is missing, malformed or out of range; "
    "`errors` names each.",
    401: "`not_authenticated` or `authentication_failed`: no credentials, or an unknown token "
    "(`Authorization: Token <key>`).",
    403: "`permission_denied`: not allowed to you, or (session clients) no CSRF token.",
    404: "`not_found`: nothing here (or not yours), or a page past the last.",
    409: "`already_exists`: a field that must be unique (`errors` names it) is taken.",
    422: "`unknown_reference`: a field names something that does not exist (`errors`).",
    415: "`unsupported_media_type`: send `application/json`.",
    503: "`unavailable`, `timeout` or `gateway_unavailable`: a service this answer needs is not "
    "answering now (`details.service` names it); nothing was changed that the answer does not "
    "say, and the same request may be sent again after `Retry-After`.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "description": "The scheme to authenticate with: `Token`.",
        "required": True,
        "schema": {"type": "string"},
    }
}
# What DRF's CharField refuses, written for the schema: NUL anywhere, and (unless blank is
# allowed) nothing left after trimming. The class lists exactly what Python's str.strip()
# removes, since JSON Schema's `\s` is not quite the same set.
_SPACE = r"\t-\r \u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
ANY_BUT_NUL = r"^[^\u0000]+$"
NOT_BLANK = rf"^[^\u0000]*[^\u0000{_SPACE}][^\u0000]*$"
VERBS = {
    "list": ("list", "List {plural}"),
    "retrieve": ("get", "Get a {name}"),
    "create": ("create", "Create a {name}"),
    "update": ("replace", "Replace a {name}"),
    "partial_update": ("update", "Update some fields of a {name}"),
    "destroy": ("delete", "Delete a {name}"),
}


# drf-spectacular's AutoSchema is untyped, and the DRF stubs give its base other signatures.
_AutoSchema: Any = openapi.AutoSchema


def decimal_pattern(field: serializers.DecimalField) -> str:
    """What DecimalField takes, as a string: drf-spectacular's own pattern allows "" and "-"."""
    whole = (field.max_digits or 30) - (field.decimal_places or 0)
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    fraction = rf"(\.\d{{1,{field.decimal_places}}})?" if field.decimal_places else ""
    return rf"^{sign}\d{{1,{whole}}}{fraction}$"


class AutoSchema(_AutoSchema):
    def get_tags(self) -> list[str]:
        tags = super().get_tags()
        module = type(self.view).__module__.split(".")
        if tags and tags != [self.path[len(self.path_prefix or "") :].strip("/").split("/")[0]]:
            return tags  # chosen by the view
        return [module[1] if module[0] == "apps" else "operations"]

    def get_operation_id(self) -> str:
        action = getattr(self.view, "action", None)
        basename = getattr(self.view, "basename", None)
        if basename and action:
            return f"{basename}_{VERBS.get(action, (action,))[0]}"
        return super().get_operation_id()

    def get_summary(self) -> str | None:
        summary = super().get_summary()
        action = getattr(self.view, "action", None)
        if summary or action not in VERBS:
            return summary or self._docstring_summary()
        meta = self.view.get_serializer_class().Meta.model._meta
        name = str(meta.verbose_name)
        article = "an" if name[0] in "aeiou" else "a"
        summary = VERBS[action][1].format(name=name, plural=meta.verbose_name_plural)
        return summary.replace(" a ", f" {article} ", 1)

    def _docstring_summary(self) -> str | None:
        method = getattr(self.view, getattr(self.view, "action", None) or "", None)
        method = method or getattr(self.view, self.method.lower(), None)
        doc = (getattr(method, "__doc__", None) or "").strip()
        return doc.splitlines()[0].rstrip(".") if doc else None

    def get_description(self) -> str:
        description = super().get_description()
        action = getattr(self.view, "action", None)
        method = getattr(self.view, action or "", None)
        if action not in (None, "list") and not getattr(method, "__doc__", None):
            return ""  # the viewset's docstring describes the collection, not this action
        return "" if description.rstrip(".") == (self.get_summary() or "") else description

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, serializers.DecimalField):
            schema["pattern"] = decimal_pattern(field)
            return schema
        plain = not ({"pattern", "format", "enum", "oneOf"} & set(schema)) and not any(
            isinstance(v, RegexValidator) for v in getattr(field, "validators", ())
        )
        if (
            direction == "request"
            and type(field) is serializers.CharField
            and plain
            and schema.get("type") == "string"
        ):
            # allow_blank: spectacular adds the empty string as a oneOf branch of its own.
            keeps_spaces = field.allow_blank or not field.trim_whitespace
            schema["pattern"] = ANY_BUT_NUL if keeps_spaces else NOT_BLANK
        return schema

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        perms = self.view.get_permissions()
        reads_open = any(isinstance(p, permissions.IsAuthenticatedOrReadOnly) for p in perms)
        if reads_open and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _get_request_body(self, direction: str = "request") -> dict[str, Any] | None:
        body = super()._get_request_body(direction)
        if body and self._requires_fields(body):
            body["required"] = True  # an empty body is refused too
        return body

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        ref = self._problem_ref()
        for status, description in self._generic_problems().items():
            declared = responses.setdefault(str(status), {"description": description})
            if (
                declared["description"] != description
                and GENERIC[status] not in (declared["description"])
            ):
                declared["description"] = f"{declared['description']} Also {description}"
        for status, response in responses.items():
            if int(status) >= 400:
                response["content"] = {PROBLEM_JSON: {"schema": ref}}
            if status in ("429", "503"):
                response.setdefault("headers", {}).update(RETRY_AFTER)
            if status == "401":
                response.setdefault("headers", {}).update(WWW_AUTHENTICATE)
        return dict(sorted(responses.items()))

    def _generic_problems(self) -> dict[int, str]:
        view, method = self.view, self.method
        request_serializer = self.get_request_serializer() if method in WITH_BODY else None
        has_body = request_serializer is not None
        is_list = self._is_list_view() and self._get_paginator() is not None
        authenticators = view.get_authenticators()
        perms = view.get_permissions()
        problems: dict[int, str] = {}
        if has_body or is_list or self._header_parameters():
            problems[400] = GENERIC[400]
        if authenticators:
            problems[401] = GENERIC[401]
        by_session = any(isinstance(a, SessionAuthentication) for a in authenticators)
        csrf = method in UNSAFE and by_session
        if csrf or not all(self._lets_signed_in_users_in(p) for p in perms):
            problems[403] = GENERIC[403]
        if "{" in self.path or is_list:
            problems[404] = GENERIC[404]
        if isinstance(request_serializer, serializers.ModelSerializer):
            problems[409] = GENERIC[409]
            if any(
                isinstance(f, serializers.RelatedField) for f in request_serializer.fields.values()
            ):
                problems[422] = GENERIC[422]
        if has_body:
            problems[415] = GENERIC[415]
        problems[503] = GENERIC[503]  # any service may be bound to another process
        return problems

    def _lets_signed_in_users_in(self, permission: permissions.BasePermission) -> bool:
        # A tuple: DRF permission classes overload `|` to compose permissions.
        if isinstance(permission, (permissions.AllowAny, permissions.IsAuthenticated)):  # noqa: UP038
            return True
        return (
            isinstance(permission, permissions.IsAuthenticatedOrReadOnly)
            and self.method in permissions.SAFE_METHODS
        )

    def _header_parameters(self) -> list[Any]:
        return [p for p in self.get_override_parameters() if getattr(p, "location", "") == "header"]

    def _requires_fields(self, body: dict[str, Any]) -> bool:
        for media in body["content"].values():
            schema = media.get("schema", {})
            if "$ref" in schema:
                name = schema["$ref"].rsplit("/", 1)[-1]
                component = self.registry._components.get((name, ResolvedComponent.SCHEMA))
                schema = component.schema if component else {}
            if schema.get("required") or "oneOf" in schema:
                return True
        return False

    def _problem_ref(self) -> dict[str, str]:
        component = ResolvedComponent(
            name="Problem", type=ResolvedComponent.SCHEMA, object="Problem", schema=PROBLEM
        )
        self.registry.register_on_missing(component)
        return component.ref
