"""The product list's query, for API clients: documented once, checked against what it says.

`PARAMETERS` is both the schema's description of the query and the rule this backend applies
before the shoppers' `ProductFilterForm` parses it, so the API refuses exactly what the schema
forbids (the form is lenient for the pages' sake: a checkbox sends `on`, a price `1e2`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from rest_framework import exceptions, serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

from apps.catalog import selectors
from apps.catalog.forms import SORT_CHOICES, ProductFilterForm
from apps.catalog.models import Category, Product

_FORM = ProductFilterForm.base_fields
_PRICE = _FORM["min_price"]
_WHOLE_DIGITS = _PRICE.max_digits - _PRICE.decimal_places  # type: ignore[attr-defined]
PRICE_PATTERN = rf"^\d{{1,{_WHOLE_DIGITS}}}(\.\d{{1,{_PRICE.decimal_places}}})?$"  # type: ignore[attr-defined]


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}  # fmt: skip


PARAMETERS = [
    _query("q", "Full-text search in name, SKU and description.",
           type="string", maxLength=_FORM["q"].max_length, pattern=r"^[^\u0000]*$"),  # type: ignore[attr-defined]
    _query("category", "A category's slug; its sub-categories are included. "
           "An unknown slug answers 404 `category_not_found`.",
           type="string", maxLength=Category._meta.get_field("slug").max_length,
           pattern=r"^[-a-zA-Z0-9_]+$"),
    _query("min_price", "Lowest price, e.g. 9.50 (at most two decimals).",
           type="string", format="decimal", pattern=PRICE_PATTERN),
    _query("max_price", "Highest price, not below `min_price`.",
           type="string", format="decimal", pattern=PRICE_PATTERN),
    _query("in_stock", "Only products with stock available.", type="boolean"),
    _query("sort", "Order of the results; by default relevance when searching, else featured.",
           type="string", enum=[value for value, _ in SORT_CHOICES if value]),
]  # fmt: skip


class ProductFilters(BaseFilterBackend):
    """Filters and sorts the product list (other actions pass through)."""

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Product], view: Any
    ) -> QuerySet[Product]:
        if getattr(view, "action", None) != "list":
            return queryset
        query = request.query_params
        _refuse_what_the_schema_forbids(query)
        form = ProductFilterForm(query, categories=selectors.category_tree())
        if not form.is_valid():
            errors = form.errors.get_json_data()
            if set(errors) == {"max_price"} and _prices_reversed(query):
                return queryset.none()  # no price lies in that range: an empty list, not an error
            if "category" in errors:
                raise exceptions.NotFound(
                    f"No category has the slug {query['category']!r}.", code="category_not_found"
                )
            raise serializers.ValidationError(
                {
                    name: [ErrorDetail(e["message"], code=e["code"]) for e in field_errors]
                    for name, field_errors in errors.items()
                }
            )
        return selectors.product_list(form.filters(), base=queryset)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return PARAMETERS


def _prices_reversed(query: Any) -> bool:
    # Both passed PRICE_PATTERN already (the form dropped max_price from its cleaned data).
    if "min_price" not in query or "max_price" not in query:
        return False
    return Decimal(query["min_price"]) > Decimal(query["max_price"])


def _refuse_what_the_schema_forbids(query: Any) -> None:
    errors: dict[str, list[str]] = {}
    for parameter in PARAMETERS:
        name, schema = parameter["name"], parameter["schema"]
        if name not in query:
            continue
        value = query[name]
        if schema["type"] == "boolean" and value not in ("true", "false"):
            errors[name] = ["Give true or false."]
        elif "enum" in schema and value not in schema["enum"]:
            errors[name] = [f"Give one of: {', '.join(schema['enum'])}."]
        elif len(value) > schema.get("maxLength", len(value)):
            errors[name] = [f"Give at most {schema['maxLength']} characters."]
        elif "pattern" in schema and not re.fullmatch(schema["pattern"], value, re.ASCII):
            errors[name] = [_PATTERN_HELP.get(name, "This value is not well-formed.")]
    if errors:
        raise serializers.ValidationError(errors, code="invalid")


_PATTERN_HELP = {
    "min_price": "Give a price such as 9.50: digits, at most two decimals.",
    "max_price": "Give a price such as 9.50: digits, at most two decimals.",
    "category": "Give a category's slug: letters, digits, - and _.",
    "q": "The search must not contain NUL characters.",
}
