"""The transactional outbox and the periodic schedule.

An `OutboxEvent` row is written in the publisher's transaction, with one `Delivery` per
subscriber; the worker delivers them after commit. A delivery that keeps failing is `dead`
until staff replay it. `PeriodicJob` rows let any number of workers share one schedule;
`WorkerBeat` rows say which task workers are alive.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    """One published domain event, encoded with the contracts codec."""

    id = models.UUIDField(primary_key=True, help_text="The event's own event_id.")
    event_type = models.CharField(max_length=120, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField()
    occurred_at = models.DateTimeField()
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    request_id = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ("-published_at",)

    def __str__(self) -> str:
        return f"{self.event_type} {self.id}"


class Delivery(models.Model):
    """The delivery of one event to one subscriber."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Dead"

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(fields=("event", "subscriber"), name="outbox_one_delivery")
        ]
        indexes = [models.Index(fields=("status", "next_attempt_at"), name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id} ({self.status})"


class PeriodicJob(models.Model):
    """When a periodic task is next due; claimed with a conditional update by one worker."""

    name = models.CharField(max_length=120, primary_key=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class WorkerBeat(models.Model):
    """A running task worker's lease on life: `manage.py run_worker` renews `seen_at` every
    `TASK_HEARTBEAT_SECONDS`; one silent for `TASK_LEASE_SECONDS` is presumed dead."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    pid = models.PositiveIntegerField()
    host = models.CharField(max_length=255)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} (pid {self.pid} on {self.host})"
