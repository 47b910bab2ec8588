"""API input is JSON, so each field takes its own JSON type only.

DRF coerces on input: a CharField takes `0` as "0", an IntegerField takes "12" and 12.0, a
BooleanField takes "yes" and 1, a DecimalField takes 9.5. The API parses only JSON (see
REST_FRAMEWORK's parsers), whose values carry their types, and its schema promises those types:
so a value of another type is refused (400 `validation_error`, code `invalid`) rather than
quietly turned into something the client did not send. Installed once, at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import fields, relations
from rest_framework.exceptions import ValidationError

# The JSON types each field accepts (bool is an int in Python, so it is named apart).
ACCEPTS: dict[type[fields.Field[Any, Any, Any, Any]], tuple[type, ...]] = {
    fields.CharField: (str,),
    fields.IntegerField: (int,),
    fields.FloatField: (int, float),
    fields.DecimalField: (str,),  # the schema documents decimals as strings, e.g. "19.90"
    fields.BooleanField: (bool,),
    relations.SlugRelatedField: (str,),  # `0` must not find the category whose slug is "0"
}


def install() -> None:
    if not getattr(relations.RelatedField.run_validation, "strict_json", False):
        relations.RelatedField.run_validation = _no_blank_reference(  # type: ignore[method-assign]
            relations.RelatedField.run_validation
        )
    for field_class, accepted in ACCEPTS.items():
        original = field_class.to_internal_value
        if getattr(original, "strict_json", False):
            continue
        field_class.to_internal_value = _strict(original, accepted)  # type: ignore[method-assign]


def _no_blank_reference(original: Callable[..., Any]) -> Callable[..., Any]:
    # DRF turns "" into null for every relation; in JSON, null is how to say "none".
    def run_validation(
        self: relations.RelatedField[Any, Any, Any], data: Any = fields.empty
    ) -> Any:
        if data == "":
            raise ValidationError("This field may not be blank.", code="blank")
        return original(self, data)

    run_validation.strict_json = True  # type: ignore[attr-defined]
    return run_validation


def _strict(original: Callable[..., Any], accepted: tuple[type, ...]) -> Callable[..., Any]:
    def to_internal_value(self: fields.Field[Any, Any, Any, Any], data: Any) -> Any:
        wrong_bool = isinstance(data, bool) and bool not in accepted
        if wrong_bool or not isinstance(data, accepted):
            self.fail("invalid")
        return original(self, data)

    to_internal_value.strict_json = True  # type: ignore[attr-defined]
    return to_internal_value
