"""Parsing what shoppers and API clients ask the product list for."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from apps.catalog.models import Category
from apps.catalog.selectors import ProductFilters

SORT_CHOICES = [
    ("", "Best match"),
    ("price", "Price: low to high"),
    ("-price", "Price: high to low"),
    ("name", "Name"),
    ("newest", "Newest"),
]


class ProductFilterForm(forms.Form):
    q = forms.CharField(label="Search", max_length=100, required=False)
    category = forms.ChoiceField(label="Category", required=False)
    min_price = forms.DecimalField(
        label="Min price", min_value=0, max_digits=12, decimal_places=2, required=False
    )
    max_price = forms.DecimalField(
        label="Max price", min_value=0, max_digits=12, decimal_places=2, required=False
    )
    in_stock = forms.BooleanField(label="In stock only", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def __init__(self, *args: object, categories: Sequence[Category], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.categories = {c.slug: c for c in categories}
        self.fields["category"].choices = [("", "All categories")] + [
            (c.slug, "\u2003" * getattr(c, "depth", 0) + c.name) for c in categories
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "The maximum must not be below the minimum.")
        return data

    def filters(self, *, category: Category | None = None) -> ProductFilters:
        """The valid part of the request as filters; invalid fields are ignored (and shown)."""
        data = self.cleaned_data if self.is_bound else {}
        chosen = category or self.categories.get(data.get("category") or "")
        return ProductFilters(
            q=data.get("q") or "",
            category_ids=tuple(getattr(chosen, "descendant_ids", ())) if chosen else (),
            min_price=data.get("min_price") if "min_price" not in self.errors else None,
            max_price=data.get("max_price") if "max_price" not in self.errors else None,
            in_stock=bool(data.get("in_stock")),
            sort=data.get("sort") or "",
        )
