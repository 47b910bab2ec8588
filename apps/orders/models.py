"""Orders with their line snapshots, their shipping address and an audit row per transition."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib import admin
from django.db import models
from django.db.models import Q

from contracts.kernel.money import Money
from contracts.orders.dto import IDEMPOTENCY_KEY_MAX, OrderStatus

STATUS_CHOICES = [(s.value, s.value.replace("_", " ").capitalize()) for s in OrderStatus]


class Order(models.Model):
    """An order. Totals are computed once, at checkout, from the line snapshots."""

    number = models.CharField(max_length=20, unique=True)
    customer_id = models.PositiveBigIntegerField(db_index=True)
    email = models.EmailField()
    status = models.CharField(
        max_length=20, choices=STATUS_CHOICES, default=OrderStatus.PENDING_PAYMENT.value
    )
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    refunded = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="refunded so far (OrderRefund rows)"
    )
    ship_full_name = models.CharField("recipient", max_length=150)
    ship_line1 = models.CharField("address", max_length=200)
    ship_line2 = models.CharField("address line 2", max_length=200, blank=True)
    ship_city = models.CharField("city", max_length=100)
    ship_postal_code = models.CharField("postal code", max_length=20)
    ship_region = models.CharField("region", max_length=100, blank=True)
    ship_country = models.CharField("country", max_length=2)
    ship_phone = models.CharField("phone", max_length=32, blank=True)  # as an address book phone
    reservation_ref = models.CharField(
        max_length=100, help_text="the catalog's reference of the current hold (see hold_reference)"
    )
    reservation_attempt = models.PositiveSmallIntegerField(
        default=1, help_text="the payment attempt the current hold was taken for (1: at checkout)"
    )
    reservation_late = models.BooleanField(
        default=False, help_text="the current hold was taken again for a payment that came late"
    )
    reservation_expires_at = models.DateTimeField()
    payment_ref = models.CharField(max_length=64, blank=True)
    pay_url = models.CharField(
        max_length=300, blank=True, help_text="where the shopper completes the current payment"
    )
    payment_attempts = models.PositiveSmallIntegerField(default=0)
    tracking_number = models.CharField(max_length=100, blank=True)
    checkout_lease_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="while set, a checkout request is finishing this order's steps (payment, "
        "cart); empty once they are all done",
    )
    idempotency_key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX)
    request_fingerprint = models.CharField(max_length=64)
    placed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-placed_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("customer_id", "idempotency_key"), name="orders_one_per_idempotency_key"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="orders_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=("customer_id", "-placed_at"), name="orders_history"),
            models.Index(fields=("status", "reservation_expires_at"), name="orders_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state(self) -> OrderStatus:
        return OrderStatus(self.status)

    @property
    def partially_refunded(self) -> bool:
        """Some, not all, of the total went back: the order keeps its status (it may still ship)."""
        return 0 < self.refunded < self.total

    @property
    def refund_left(self) -> Decimal:
        """What the shopper has paid and keeps paid, after refunds."""
        return self.total - self.refunded

    @property
    def last_refunded_at(self) -> datetime | None:
        """When the latest refund was recorded (reads the prefetched rows when there are)."""
        return max((refund.created_at for refund in self.refunds.all()), default=None)

    @admin.display(description="refunded", ordering="refunded")
    def refund_summary(self) -> str:
        """ "€5.00 of €30.00" (what went back, of what total), or "" when nothing did."""
        if not self.refunded:
            return ""
        refunded, total = Money(self.refunded, self.currency), Money(self.total, self.currency)
        return f"{refunded.format()} of {total.format()}"


class OrderLine(models.Model):
    """What was sold, as it was sold: SKU, name and price are copies, not references."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product_id = models.PositiveBigIntegerField()
    sku = models.CharField("SKU", max_length=64)
    name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class OrderEvent(models.Model):
    """The audit trail: one row per transition (who, when, from, to, why)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="timeline")
    from_status = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    actor = models.CharField(max_length=64, help_text="customer:<id>, staff:<id>, payments, system")
    reason = models.CharField(max_length=300, blank=True)
    cause_event_id = models.UUIDField(
        null=True, blank=True, unique=True, help_text="the event that caused it, if any"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"


class OrderRefund(models.Model):
    """Money given back on this order, as payments reported it (one row per PaymentRefunded)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    payment_ref = models.CharField(max_length=64)
    cause_event_id = models.UUIDField(unique=True, help_text="the PaymentRefunded event")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.amount}"
