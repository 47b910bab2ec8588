from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.notifications.models import Notification
from apps.notifications.services import notification_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("created_at", "kind", "recipient", "order_number", "status", "attempts",
                    "sent_at", "short_error")  # fmt: skip
    list_filter = ("kind", "status")
    search_fields = ("recipient", "order_number")
    # The bodies of account emails stay out of the admin: they carry one-time links (email
    # verification, password reset) that staff have no business following.
    fields = (
        "recipient",
        "kind",
        "subject",
        "order_number",
        "status",
        "attempts",
        "lease_until",
        "last_error",
        "created_at",
        "sent_at",
        "event_id",
        "event_type",
        "payload",
    )
    readonly_fields = fields
    date_hierarchy = "created_at"
    actions = ("send_again",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A notification is a record of what was sent: its page is a view, with no Save.
        # "Send again" keeps the model permission.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The row is what keeps an event from being emailed twice: deleting it would let a
        # redelivered event send the email again.
        return False

    @admin.display(description="last error")
    def short_error(self, obj: Notification) -> str:
        return obj.last_error[:80]

    @admin.action(description="Send the selected failed emails again", permissions=("change",))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notification_resend(queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(request, f"{count} failed emails queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} selected emails had not failed and were left alone.",
                messages.WARNING,
            )
