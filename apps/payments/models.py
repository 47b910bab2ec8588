"""Payments and refunds, keyed for idempotency."""

from __future__ import annotations

from django.db import models

from contracts.payments.dto import PaymentStatus

STATUS_CHOICES = [(s.value, s.value.replace("_", " ").capitalize()) for s in PaymentStatus]


class Payment(models.Model):
    payment_ref = models.CharField(max_length=64, unique=True)
    order_ref = models.CharField(max_length=40, db_index=True)
    customer_id = models.PositiveBigIntegerField()
    email = models.EmailField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    gateway = models.CharField(max_length=20)
    gateway_ref = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    # The PaymentIntent's client secret lets the shopper's browser confirm it: kept for the pay
    # page, never shown in the admin, __str__ or logs.
    client_secret = models.CharField(max_length=300, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    decline_code = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("status", "updated_at"), name="payment_status_updated"),)

    def __str__(self) -> str:
        return f"{self.payment_ref} ({self.status})"


class Refund(models.Model):
    """One refund. It is `requested` (its amount held back from any other refund) from before
    the gateway is asked until its answer is recorded; then the gateway's status, or `failed`."""

    REQUESTED, FAILED = "requested", "failed"

    refund_ref = models.CharField(max_length=64, unique=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, default="succeeded")
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.refund_ref


class WebhookEvent(models.Model):
    """A Stripe event, stored once: a duplicate or a replay finds its row and is ignored."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    payment_ref = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-received_at", "-id")

    def __str__(self) -> str:
        return f"{self.event_id} ({self.type})"


class GatewayAttempt(models.Model):
    """Every time money was asked to move at a gateway, and what the gateway answered: a card
    confirmed (or declined), an intent opened or cancelled, a refund. Written `pending` before
    the call and completed after it, so a call whose answer was lost is still on record."""

    class Operation(models.TextChoices):
        OPEN = "open", "Open an intent"
        CONFIRM = "confirm", "Charge a card"
        CANCEL = "cancel", "Cancel the intent"
        REFUND = "refund", "Refund"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending (no answer yet)"
        SUCCEEDED = "succeeded", "Succeeded"
        DECLINED = "declined", "Declined"
        ERROR = "error", "Error"

    payment_ref = models.CharField(max_length=64, db_index=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    key = models.CharField(
        max_length=120,
        db_index=True,
        help_text="the idempotency key sent to the gateway, or what reported the attempt",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    code = models.CharField(max_length=60, blank=True, help_text="decline or error code")
    message = models.CharField(max_length=300, blank=True)
    response = models.JSONField(default=dict, blank=True, help_text="the gateway's answer")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.payment_ref} {self.operation}: {self.outcome}"
