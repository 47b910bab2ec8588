from django.contrib import admin
from django.http import HttpRequest

from apps.payments.models import Payment, Refund


class RefundInline(admin.TabularInline[Refund, Payment]):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("refund_ref", "amount", "reason", "status", "created_at")
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = ("payment_ref", "order_ref", "status", "amount", "refunded", "gateway",
                    "created_at")  # fmt: skip
    list_filter = ("status", "gateway")
    search_fields = ("payment_ref", "order_ref", "email", "gateway_ref")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = (RefundInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
