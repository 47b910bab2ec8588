"""One row per email we owe a shopper: what, to whom, and how sending went.

Sending rides on the outbox (an `EmailQueued` event per try series), so retries, backoff, the
dead letter and replay are the outbox's; the row records the outcome and, while a worker is
sending it, that worker's lease (`sending` until `lease_until`)."""

from __future__ import annotations

from django.db import models


class Notification(models.Model):
    """An email caused by one event. `(event_id, kind)` is unique: an event is emailed once.
    An account email (allauth's) has no event: `event_id` is its idempotency key and its
    content is stored as rendered when it was queued."""

    class Kind(models.TextChoices):
        ORDER_PLACED = "order_placed", "Order placed"
        ORDER_PAID = "order_paid", "Receipt"
        ORDER_PAYMENT_FAILED = "order_payment_failed", "Payment failed"
        ORDER_FULFILLED = "order_fulfilled", "Order shipped"
        ORDER_CANCELLED = "order_cancelled", "Order cancelled"
        ORDER_REFUNDED = "order_refunded", "Order refunded"
        ACCOUNT = "account", "Account email"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.EmailField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    # The event as published (contracts codec): the send task renders the email from it.
    payload = models.JSONField()
    order_number = models.CharField(max_length=32, blank=True, db_index=True)
    subject = models.CharField(max_length=255)
    # Account emails only: the parts as allauth rendered them (they hold one-time links).
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "kind"], name="notifications_one_email_per_event_kind"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} ({self.status})"
