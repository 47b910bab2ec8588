"""Staff tools for orders: search, filters, the order page at a glance, and a button (or a bulk
action) per legal move. Every move goes through the same services as the shopper side: the
admin never writes a status field itself, and nobody edits an order by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString

from apps.orders import admin_page as shown
from apps.orders.admin_page import STEP_BY_NAME, Step
from apps.orders.models import Order
from contracts.kernel.errors import ContractError

# The order's own fields shown in the main sections; every other field is an internal of the
# checkout saga and goes under "Technical details" (whatever fields the saga keeps).
SHOWN = {
    *("id", "number", "status", "placed_at", "tracking_number", "customer_id", "email"),
    *("currency", "subtotal", "shipping", "total", "refunded"),
}
TECHNICAL = tuple(
    f.name for f in Order._meta.fields if f.name not in SHOWN and not f.name.startswith("ship_")
)
FIELDSETS: tuple[tuple[str | None, Any], ...] = (
    # The number is the page's heading.
    (None, {"fields": (("status_shown", "placed_at", "total_shown", "tracking_number"),)}),
    ("Customer", {"fields": ("customer", "order_email")}),
    ("Shipping address", {"fields": ("shipping_address",)}),
    (
        "Payment",
        {
            "fields": (
                "payment_status",
                "payment_reference",
                "payment_gateway",
                "payment_amount",
                "payment_refunded",
            )
        },
    ),
    ("Technical details", {"classes": ("collapse",), "fields": TECHNICAL}),
)


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
    list_display = ("number", "placed_at", "email", "status", "total_shown", "refund_summary")
    list_filter = ("status", RefundedFilter, "placed_at", "ship_country")
    search_fields = ("number", "email", "ship_full_name", "tracking_number")
    date_hierarchy = "placed_at"
    actions = ("mark_fulfilled", "mark_delivered", "cancel_orders", "refund_orders")
    fieldsets = FIELDSETS
    readonly_fields = flatten_fieldsets(FIELDSETS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An order is only ever changed through its next steps (the services): its page is a
        # view, with no Save. Changing orders at all (the steps, the bulk actions) keeps the
        # model permission.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # -- the page ---------------------------------------------------------------------------

    @admin.display(description="status")
    def status_shown(self, order: Order) -> str:
        return order.get_status_display()

    @admin.display(description="total", ordering="total")
    def total_shown(self, order: Order) -> str:
        return shown.money(order, order.total)

    @admin.display(description="account")
    def customer(self, order: Order) -> SafeString:
        return shown.customer_html(order)

    @admin.display(description="order email")
    def order_email(self, order: Order) -> str:
        return order.email  # where this order's emails go, whatever the account says now

    @admin.display(description="ship to")
    def shipping_address(self, order: Order) -> SafeString:
        return shown.address_html(order)

    @admin.display(description="status")
    def payment_status(self, order: Order) -> str:
        payment = shown.payment_of(order)
        return payment if isinstance(payment, str) else shown.payment_status_label(payment)

    @admin.display(description="reference")
    def payment_reference(self, order: Order) -> SafeString | str:
        payment = shown.payment_of(order)
        return "" if isinstance(payment, str) else shown.payment_ref_html(payment)

    @admin.display(description="gateway")
    def payment_gateway(self, order: Order) -> str:
        payment = shown.payment_of(order)
        if isinstance(payment, str):
            return ""
        return " · ".join(part for part in (payment.gateway, payment.gateway_ref) if part)

    @admin.display(description="amount")
    def payment_amount(self, order: Order) -> str:
        payment = shown.payment_of(order)
        return "" if isinstance(payment, str) else payment.amount.format()

    @admin.display(description="refunded")
    def payment_refunded(self, order: Order) -> str:
        payment = shown.payment_of(order)
        return "" if isinstance(payment, str) else payment.refunded.format()

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        order = context.get("original")
        if order is not None:
            may_act = self.has_change_permission(request)
            context.update(
                next_steps=shown.legal_steps(order) if may_act else [],
                order_lines=shown.lines(order),
                order_totals={
                    "subtotal": shown.money(order, order.subtotal),
                    "shipping": shown.money(order, order.shipping),
                    "total": shown.money(order, order.total),
                },
                order_timeline=shown.timeline(order),
            )
        return super().render_change_form(request, context, *args, **kwargs)

    # -- the next steps ---------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        step = path(
            "<path:object_id>/step/<str:step>/",
            self.admin_site.admin_view(self.step_view),
            name="orders_order_step",
        )
        return [step, *super().get_urls()]

    def step_view(self, request: HttpRequest, object_id: str, step: str) -> HttpResponse:
        """One next step of one order, through its service; a step that cannot be undone is
        confirmed first. The service says whether the move is legal now."""
        chosen = STEP_BY_NAME.get(step)
        order = self.get_object(request, unquote(object_id))
        if chosen is None or order is None:
            raise Http404("No such order or step.")
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if chosen.question and "confirmed" not in request.POST:
            return self._confirm(request, order, chosen)
        if self._run(request, order, chosen, request.POST):
            self.message_user(request, chosen.done(order.number), messages.SUCCESS)
        return redirect(reverse("admin:orders_order_change", args=[order.pk]))

    def _run(self, request: HttpRequest, order: Order, step: Step, data: Any) -> bool:
        try:
            step.run(order, f"staff:{request.user.pk}", data)
        except ContractError as exc:
            self.message_user(request, shown.failure_message(step, order, exc), messages.ERROR)
            return False
        return True

    def _confirm(self, request: HttpRequest, order: Order, step: Step) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": step.label,
            "original": order,
            "step": step,
            "question": step.question.format(number=order.number),
        }
        return TemplateResponse(request, "admin/orders/order/confirm_step.html", context)

    # -- bulk actions on the list -----------------------------------------------------------

    def _each(self, request: HttpRequest, queryset: QuerySet[Order], step: Step, data: Any) -> None:
        done = sum(self._run(request, order, step, data(order)) for order in queryset)
        if done:
            self.message_user(request, f"{done} order(s) {step.past}.", messages.SUCCESS)

    @admin.action(description="Mark fulfilled (enter tracking numbers)", permissions=("change",))
    def mark_fulfilled(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> HttpResponse | None:
        orders = list(queryset)
        form = TrackingForm(request.POST if "apply" in request.POST else None, orders=orders)
        if form.is_bound and form.is_valid():
            tracking = form.cleaned_data
            self._each(
                request,
                queryset,
                STEP_BY_NAME["fulfil"],
                lambda o: {"tracking_number": tracking[o.number]},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Tracking numbers",
            "form": form,
            "orders": orders,
        }
        return TemplateResponse(request, "admin/orders/order/fulfil.html", context)

    @admin.action(description="Mark delivered", permissions=("change",))
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, STEP_BY_NAME["deliver"], lambda o: {})

    @admin.action(description="Cancel (refunds paid orders)", permissions=("change",))
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, STEP_BY_NAME["cancel"], lambda o: {})

    @admin.action(description="Refund in full", permissions=("change",))
    def refund_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, STEP_BY_NAME["refund"], lambda o: {})
