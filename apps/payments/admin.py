"""Staff tools for payments: search, refunds (full or partial, through the gateway), the gateway
transaction log, webhooks.
The admin never writes a status itself: refunds go through `payment_refund`."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from apps.payments.forms import RefundForm
from apps.payments.models import GatewayAttempt, Payment, Refund, WebhookEvent
from apps.payments.services import payment_refund
from contracts.kernel.errors import ContractError
from contracts.kernel.money import Money


class RefundInline(admin.TabularInline[Refund, Payment]):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("refund_ref", "amount", "reason", "status", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = ("payment_ref", "order_ref", "status", "amount", "refunded", "gateway",
                    "created_at")  # fmt: skip
    list_filter = ("status", "gateway")
    search_fields = ("payment_ref", "order_ref", "email", "gateway_ref")
    # The client secret stays out of the admin: it would let anyone who sees it pay the intent.
    exclude = ("client_secret",)
    readonly_fields = [f.name for f in Payment._meta.fields if f.name != "client_secret"]
    inlines = (RefundInline,)
    actions = ("refund_payment",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A payment changes only through the gateway and its services: its page is a view, with
        # no Save. The refund action keeps the model permission.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        by_ref = path(
            "by-ref/<str:payment_ref>/",
            self.admin_site.admin_view(self.by_ref_view),
            name="payments_payment_by_ref",
        )
        return [by_ref, *super().get_urls()]

    def by_ref_view(self, request: HttpRequest, payment_ref: str) -> HttpResponse:
        """The payment's page from its reference: how other apps' pages (an order's) link here
        without knowing our ids."""
        payment = self.get_queryset(request).filter(payment_ref=payment_ref).first()
        if payment is None or not self.has_view_permission(request, payment):
            self.message_user(request, f"No payment {payment_ref}.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:payments_payment_changelist"))
        return HttpResponseRedirect(reverse("admin:payments_payment_change", args=[payment.pk]))

    @admin.action(description="Refund (full or partial)", permissions=("change",))
    def refund_payment(
        self, request: HttpRequest, queryset: QuerySet[Payment]
    ) -> HttpResponse | None:
        payments = list(queryset[:2])
        if len(payments) != 1:
            self.message_user(request, "Refund one payment at a time.", messages.WARNING)
            return None
        payment = payments[0]
        left = payment.amount - payment.refunded
        data = request.POST if "apply" in request.POST else None
        initial = {"idempotency_key": uuid.uuid4().hex}  # one key per form: a double submit
        form = RefundForm(data, initial=initial, left=left, currency=payment.currency)
        if form.is_bound and form.is_valid():
            self._refund(request, payment, form.cleaned_data)
            return None
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": "Refund a payment", "form": form, "payment": payment}  # fmt: skip
        return TemplateResponse(request, "payments/admin/refund.html", context)

    def _refund(self, request: HttpRequest, payment: Payment, data: dict[str, Any]) -> None:
        amount = Money(Decimal(data["amount"]), payment.currency)
        try:
            refund = payment_refund(
                payment_ref=payment.payment_ref, amount=amount,
                reason=f"{data['reason']} (staff:{request.user.pk})",
                idempotency_key=f"admin:{data['idempotency_key']}",
            )  # fmt: skip
        except ContractError as exc:
            self.message_user(request, f"{payment.payment_ref}: {exc.message}", messages.ERROR)
            return
        self.message_user(
            request, f"Refunded {amount.format()} of {payment.payment_ref} ({refund.refund_ref}).",
            messages.SUCCESS,
        )  # fmt: skip


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin[WebhookEvent]):
    list_display = ("event_id", "type", "payment_ref", "received_at")
    list_filter = ("type",)
    search_fields = ("event_id", "payment_ref")
    readonly_fields = ("event_id", "type", "payment_ref", "received_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GatewayAttempt)
class GatewayAttemptAdmin(admin.ModelAdmin[GatewayAttempt]):
    """The log of every attempt to move money at a gateway, for disputes: read-only."""

    list_display = ("created_at", "payment_ref", "operation", "amount", "outcome", "code")
    list_filter = ("operation", "outcome")
    search_fields = ("payment_ref", "key", "code")
    readonly_fields = [f.name for f in GatewayAttempt._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
