"""Carts for support staff: read-only, to see what a shopper sees (prices as added)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Max, QuerySet, Sum
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from apps.cart.models import Cart, CartLine


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CartLineInline(ReadOnly, admin.TabularInline[CartLine, Cart]):
    model = CartLine
    extra = 0
    fields = ("product", "quantity", "added_price", "added_currency", "updated_at")
    readonly_fields = fields

    @admin.display(description="product")
    def product(self, line: CartLine) -> str:
        try:  # the catalog's admin page, by URL name only: no import across apps
            url = reverse("admin:catalog_product_change", args=[line.product_id])
        except NoReverseMatch:
            return f"#{line.product_id}"
        return format_html('<a href="{}">#{}</a>', url, line.product_id)


class OwnerFilter(admin.SimpleListFilter):
    title = "owner"
    parameter_name = "owner"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("customer", "Signed-in customer"), ("anonymous", "Anonymous")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Cart]) -> QuerySet[Cart]:
        if self.value() == "customer":
            return queryset.filter(customer_id__isnull=False)
        if self.value() == "anonymous":
            return queryset.filter(customer_id__isnull=True)
        return queryset


@admin.register(Cart)
class CartAdmin(ReadOnly, admin.ModelAdmin[Cart]):
    list_display = ("id", "customer_id", "item_count", "last_change")
    list_filter = (OwnerFilter,)
    search_fields = ("=customer_id",)
    fields = ("id", "customer_id", "created_at", "updated_at")
    readonly_fields = fields
    inlines = (CartLineInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cart]:
        # A line's change is the cart's change: `updated` is the latest of both.
        return (
            super()
            .get_queryset(request)
            .annotate(
                items=Coalesce(Sum("lines__quantity"), 0),
                changed=Greatest("updated_at", Coalesce(Max("lines__updated_at"), "updated_at")),
            )
        )

    @admin.display(description="items", ordering="items")
    def item_count(self, cart: Cart) -> int:
        return cart.items  # type: ignore[attr-defined,no-any-return]

    @admin.display(description="updated", ordering="changed")
    def last_change(self, cart: Cart) -> object:
        return cart.changed  # type: ignore[attr-defined]
