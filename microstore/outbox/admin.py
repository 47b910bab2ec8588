from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from microstore.outbox import delivery
from microstore.outbox.models import Delivery, OutboxEvent, PeriodicJob, WorkerBeat


class DeliveryInline(admin.TabularInline[Delivery, OutboxEvent]):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("subscriber", "status", "attempts", "next_attempt_at", "delivered_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin[OutboxEvent]):
    list_display = ("event_type", "id", "published_at", "request_id")
    list_filter = ("event_type",)
    search_fields = ("id", "request_id", "event_type")
    readonly_fields = ("id", "event_type", "version", "payload", "occurred_at", "published_at",
                       "request_id")  # fmt: skip
    inlines = (DeliveryInline,)
    date_hierarchy = "published_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("id", "event_type", "subscriber", "status", "attempts", "next_attempt_at",
                    "short_error")  # fmt: skip
    list_filter = ("status", "subscriber")
    search_fields = ("subscriber", "event__event_type", "event__id", "last_error")
    list_select_related = ("event",)
    readonly_fields = ("event", "subscriber", "status", "attempts", "next_attempt_at",
                       "lease_until", "last_error", "delivered_at", "updated_at")  # fmt: skip
    actions = ("replay_dead",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="event", ordering="event__event_type")
    def event_type(self, obj: Delivery) -> str:
        return obj.event.event_type

    @admin.display(description="last error")
    def short_error(self, obj: Delivery) -> str:
        return obj.last_error[:80]

    @admin.action(description="Replay selected dead deliveries", permissions=("change",))
    def replay_dead(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = delivery.replay(queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(request, f"{count} dead deliveries queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} selected deliveries were not dead and were left alone.",
                messages.WARNING,
            )


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin[PeriodicJob]):
    list_display = ("name", "next_run_at", "last_run_at")
    readonly_fields = ("name", "last_run_at")


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin[WorkerBeat]):
    """The task workers alive now (a row silent past TASK_LEASE_SECONDS is a dead worker's)."""

    list_display = ("worker_id", "pid", "host", "started_at", "seen_at")
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
