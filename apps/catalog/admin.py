"""Staff tools for the catalog: products with stock and images, CSV import/export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from apps.catalog.models import Category, Product, ProductImage, Reservation, Stock
from apps.catalog.selectors import LOW_STOCK
from apps.catalog.services import csv_io
from apps.catalog.services.products import products_set_active, stock_set_on_hand
from contracts.kernel.errors import ContractError


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("name", "slug", "parent", "position")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)


class StockForm(forms.ModelForm[Stock]):
    class Meta:
        model = Stock
        fields = ("on_hand",)

    def clean_on_hand(self) -> int:
        on_hand: int = self.cleaned_data["on_hand"]
        if self.instance.pk and on_hand < self.instance.reserved:
            raise forms.ValidationError(
                f"{self.instance.reserved} are held by checkouts: on hand cannot go below that."
            )
        return on_hand


class StockInline(admin.StackedInline[Stock, Product]):
    model = Stock
    form = StockForm
    can_delete = False
    fields = ("on_hand", "reserved", "updated_at")
    readonly_fields = ("reserved", "updated_at")


class ImageInline(admin.TabularInline[ProductImage, Product]):
    model = ProductImage
    extra = 0
    fields = ("image", "alt_text", "position")


class StockLevelFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "stock"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("out", "Sold out"), ("low", f"Low (1–{LOW_STOCK})"), ("in", "In stock")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Product]) -> QuerySet[Product]:
        available = F("stock__on_hand") - F("stock__reserved")
        queryset = queryset.alias(left=available)
        match self.value():
            case "out":
                return queryset.filter(left__lte=0)
            case "low":
                return queryset.filter(left__gte=1, left__lte=LOW_STOCK)
            case "in":
                return queryset.filter(left__gt=LOW_STOCK)
        return queryset


class CsvImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text=f"Columns: {', '.join(csv_io.COLUMNS)}")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ("sku", "name", "category", "price", "is_active", "on_hand", "reserved",
                    "available")  # fmt: skip
    list_display_links = ("sku", "name")
    list_filter = ("is_active", "is_featured", StockLevelFilter, "category")
    search_fields = ("sku", "name")
    list_select_related = ("category", "stock")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (StockInline, ImageInline)
    actions = ("activate", "deactivate", "export_csv")
    list_per_page = 50
    change_list_template = "admin/catalog/product/change_list.html"

    @admin.display(ordering="stock__on_hand")
    def on_hand(self, obj: Product) -> int:
        return obj.stock.on_hand

    @admin.display(ordering="stock__reserved")
    def reserved(self, obj: Product) -> int:
        return obj.stock.reserved

    @admin.display(description="available")
    def available(self, obj: Product) -> int:
        return obj.stock.available

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Stock goes through the service: on hand can never drop below what checkouts hold."""
        if formset.model is not Stock:
            super().save_formset(request, form, formset, change)
            return
        product = form.instance
        for stock_form in formset.forms:
            if stock_form.cleaned_data and (stock_form.has_changed() or not change):
                try:
                    stock_set_on_hand(
                        product_id=product.pk, on_hand=stock_form.cleaned_data["on_hand"]
                    )
                except ContractError as exc:
                    self.message_user(request, f"Stock not changed: {exc}", messages.ERROR)
        Stock.objects.get_or_create(product=product)

    @admin.action(description="Put selected products on sale")
    def activate(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        count = products_set_active(ids=list(queryset.values_list("pk", flat=True)), active=True)
        self.message_user(request, f"{count} product(s) put on sale.", messages.SUCCESS)

    @admin.action(description="Take selected products off sale")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        count = products_set_active(ids=list(queryset.values_list("pk", flat=True)), active=False)
        self.message_user(request, f"{count} product(s) taken off sale.", messages.SUCCESS)

    @admin.action(description="Export selected products as CSV")
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Product]
    ) -> StreamingHttpResponse:
        return _csv_response(queryset)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalog_product_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="catalog_product_export",
            ),
        ]
        return extra + super().get_urls()  # type: ignore[operator]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        return _csv_response(Product.objects.all())

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return HttpResponse(status=403)
        form = CsvImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = csv_io.products_import_csv(form.cleaned_data["file"].read())
            if result.ok:
                self.message_user(
                    request,
                    f"Imported: {result.created} created, {result.updated} updated.",
                    messages.SUCCESS,
                )
                return redirect("admin:catalog_product_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import products from CSV",
            "form": form,
            "result": result,
            "columns": csv_io.COLUMNS,
        }
        return TemplateResponse(request, "admin/catalog/product/import.html", context)


def _csv_response(queryset: QuerySet[Product]) -> StreamingHttpResponse:
    rows = queryset.select_related("category", "stock").order_by("sku").iterator(chunk_size=500)
    response = StreamingHttpResponse(csv_io.products_export_csv(rows), content_type="text/csv")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="products-{stamp}.csv"'
    return response


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin[Reservation]):
    list_display = ("reference", "status", "expires_at", "release_reason", "created_at")
    list_filter = ("status",)
    search_fields = ("reference",)
    readonly_fields = ("reference", "status", "expires_at", "release_reason", "created_at",
                       "updated_at")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
