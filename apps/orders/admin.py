"""Staff tools for orders: search, filters, lines and timeline, and an action per legal move.
Every action goes through the same services as the shopper side: the admin never writes a
status field itself."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from apps.orders.models import Order, OrderEvent, OrderLine
from apps.orders.services.actions import order_cancel, order_deliver, order_fulfil, order_refund
from contracts.kernel.errors import ContractError


class LineInline(admin.TabularInline[OrderLine, Order]):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("sku", "name", "unit_price", "quantity", "line_total")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TimelineInline(admin.TabularInline[OrderEvent, Order]):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    verbose_name_plural = "timeline"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TrackingForm(forms.Form):
    def __init__(self, *args: Any, orders: list[Order], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.orders = orders
        for order in orders:
            self.fields[order.number] = forms.CharField(
                label=f"{order.number} — {order.ship_full_name}", max_length=100
            )


class RefundedFilter(admin.SimpleListFilter):
    title = "refunds"
    parameter_name = "refunds"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("none", "None"), ("partial", "Partially refunded"), ("full", "Refunded in full")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if self.value() == "none":
            return queryset.filter(refunded=0)
        if self.value() == "partial":
            return queryset.filter(refunded__gt=0, refunded__lt=F("total"))
        if self.value() == "full":
            return queryset.filter(refunded__gt=0, refunded__gte=F("total"))
        return queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = ("number", "email", "status", "total", "refund_summary", "placed_at")
    list_filter = ("status", RefundedFilter, "placed_at")
    search_fields = ("number", "email")
    date_hierarchy = "placed_at"
    inlines = (LineInline, TimelineInline)
    actions = ("mark_fulfilled", "mark_delivered", "cancel_orders", "refund_orders")
    readonly_fields = [f.name for f in Order._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _each(self, request: HttpRequest, queryset: QuerySet[Order], verb: str, step: Any) -> None:
        done = 0
        for order in queryset:
            try:
                step(order)
                done += 1
            except ContractError as exc:
                self.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} order(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Mark fulfilled (enter tracking numbers)", permissions=("change",))
    def mark_fulfilled(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> HttpResponse | None:
        orders = list(queryset)
        form = TrackingForm(request.POST if "apply" in request.POST else None, orders=orders)
        if form.is_bound and form.is_valid():
            actor, tracking = f"staff:{request.user.pk}", form.cleaned_data

            def fulfil(o: Order) -> Order:
                number = o.number
                return order_fulfil(number=number, tracking_number=tracking[number], actor=actor)

            self._each(request, queryset, "marked fulfilled", fulfil)
            return None
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": "Tracking numbers", "form": form, "orders": orders}  # fmt: skip
        return TemplateResponse(request, "admin/orders/order/fulfil.html", context)

    @admin.action(description="Mark delivered", permissions=("change",))
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = f"staff:{request.user.pk}"
        self._each(request, queryset, "marked delivered",
                   lambda o: order_deliver(number=o.number, actor=actor))  # fmt: skip

    @admin.action(description="Cancel (refunds paid orders)", permissions=("change",))
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = f"staff:{request.user.pk}"
        self._each(request, queryset, "cancelled", lambda o: order_cancel(
            number=o.number, actor=actor, reason="cancelled by staff"))  # fmt: skip

    @admin.action(description="Refund in full", permissions=("change",))
    def refund_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = f"staff:{request.user.pk}"
        self._each(request, queryset, "sent for refund", lambda o: order_refund(
            number=o.number, actor=actor, reason="refunded by staff"))  # fmt: skip
