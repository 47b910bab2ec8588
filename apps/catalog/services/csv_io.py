"""CSV import and export of products. An import is all or nothing: any bad row, no change."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.catalog.models import Category, Product, Stock
from apps.catalog.services.products import product_create, product_update
from contracts.kernel.errors import ContractError

COLUMNS = ("sku", "name", "slug", "description", "category", "price", "currency", "is_active",
           "is_featured", "on_hand")  # fmt: skip
REQUIRED = ("sku", "name", "price")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


class ProductRowForm(forms.Form):
    sku = forms.CharField(max_length=64)
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=220, required=False)
    description = forms.CharField(required=False)
    category = forms.SlugField(required=False)
    price = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    currency = forms.RegexField(regex=r"^[A-Z]{3}$", required=False)
    is_active = forms.TypedChoiceField(
        choices=[(v, v) for v in ("", "1", "0", "true", "false", "yes", "no")],
        coerce=lambda v: v in ("1", "true", "yes"), empty_value=True, required=False,  # type: ignore[arg-type]  # the stubs want str
    )  # fmt: skip
    is_featured = forms.TypedChoiceField(
        choices=[(v, v) for v in ("", "1", "0", "true", "false", "yes", "no")],
        coerce=lambda v: v in ("1", "true", "yes"), empty_value=False, required=False,  # type: ignore[arg-type]  # the stubs want str
    )  # fmt: skip
    on_hand = forms.IntegerField(min_value=0, required=False)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def products_import_csv(data: bytes) -> ImportResult:
    """Create or update products by SKU from CSV bytes; on any error, change nothing."""
    result = ImportResult()
    rows = _read(data, result)
    if not result.ok:
        return result
    categories = {c.slug: c for c in Category.objects.all()}
    existing = {p.sku: p for p in Product.objects.filter(sku__in=[r["sku"] for _, r in rows])}
    reserved = dict(
        Stock.objects.filter(product__in=existing.values()).values_list("product__sku", "reserved")
    )
    cleaned = []
    seen: set[str] = set()
    for number, row in rows:
        form = ProductRowForm(row)
        if not form.is_valid():
            for name, messages in form.errors.items():
                result.errors += [f"row {number}: {name}: {m}" for m in messages]
            continue
        data_row = form.cleaned_data
        problems = _row_problems(data_row, seen, categories, reserved)
        result.errors += [f"row {number}: {p}" for p in problems]
        cleaned.append((number, data_row))
    if result.ok:
        try:
            _write(cleaned, categories, existing, result)
        except _Rollback:
            result.created = result.updated = 0
    return result


class _Rollback(Exception):  # noqa: N818  # internal: undo a partly written import
    pass


def _read(data: bytes, result: ImportResult) -> list[tuple[int, dict[str, str]]]:
    if len(data) > MAX_BYTES:
        result.errors.append(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("the file is not UTF-8 text (save it as CSV UTF-8)")
        return []
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in headers]
    unknown = [h for h in headers if h not in COLUMNS]
    if missing:
        result.errors.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        result.errors.append(
            f"unknown column(s): {', '.join(unknown)}; known: {', '.join(COLUMNS)}"
        )
    if not result.ok:
        return []
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            result.errors.append(f"more than {MAX_ROWS} rows: split the file")
            return []
        rows.append((number, {k.strip(): (v or "").strip() for k, v in raw.items() if k}))
    if not rows:
        result.errors.append("the file has no product rows")
    return rows


def _row_problems(
    row: dict[str, Any], seen: set[str], categories: dict[str, Category], reserved: dict[str, int]
) -> list[str]:
    problems = []
    if row["sku"] in seen:
        problems.append(f"sku: {row['sku']} appears twice in the file")
    seen.add(row["sku"])
    if row["category"] and row["category"] not in categories:
        problems.append(f"category: no category with slug {row['category']!r}")
    held = reserved.get(row["sku"], 0)
    if row["on_hand"] is not None and row["on_hand"] < held:
        problems.append(
            f"on_hand: {held} are held by checkouts, on hand cannot be {row['on_hand']}"
        )
    return problems


def _write(
    rows: list[tuple[int, dict[str, Any]]], categories: dict[str, Category],
    existing: dict[str, Product], result: ImportResult,
) -> None:  # fmt: skip
    """Write every row in one transaction; a row the models refuse undoes them all."""
    with transaction.atomic():
        for number, row in rows:
            try:
                _write_row(row, categories, existing, result)
            except (ValidationError, ContractError) as exc:
                result.errors += [f"row {number}: {m}" for m in _messages(exc)]
        if result.errors:
            raise _Rollback


def _messages(exc: ValidationError | ContractError) -> list[str]:
    if isinstance(exc, ContractError):
        return [exc.message]
    if hasattr(exc, "error_dict"):
        return [f"{name}: {m}" for name, errs in exc.message_dict.items() for m in errs]
    return list(exc.messages)


def _write_row(
    row: dict[str, Any], categories: dict[str, Category], existing: dict[str, Product],
    result: ImportResult,
) -> None:  # fmt: skip
    fields = {
        "name": row["name"], "price": row["price"], "description": row["description"],
        "category": categories.get(row["category"]), "is_active": row["is_active"],
        "is_featured": row["is_featured"],
    }  # fmt: skip
    if row["slug"]:
        fields["slug"] = row["slug"]
    if row["currency"]:
        fields["currency"] = row["currency"]
    product = existing.get(row["sku"])
    if product is None:
        product_create(sku=row["sku"], on_hand=row["on_hand"] or 0, **fields)
        result.created += 1
    else:
        product_update(product=product, on_hand=row["on_hand"], **fields)
        result.updated += 1


def products_export_csv(products: Iterable[Product]) -> Iterator[str]:
    """CSV lines (header first) for `products`, in the import's format."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(COLUMNS)
    yield flush()
    for p in products:
        stock = getattr(p, "stock", None)
        writer.writerow([
            p.sku, p.name, p.slug, p.description, p.category.slug if p.category else "",
            p.price, p.currency, int(p.is_active), int(p.is_featured),
            stock.on_hand if stock else 0,
        ])  # fmt: skip
        yield flush()
