"""What the ops dashboard reads across processes: per-minute samples and the last errors.

Counters in memory are per process (each gunicorn worker, the task worker); these rows are
what they add up to. `microstore.ops.recorder` writes them in small batches, outside any request
transaction; a periodic job prunes them (`microstore.ops.tasks.prune`).
"""

from __future__ import annotations

from django.db import models

# Upper bounds (seconds) of the latency buckets b0…b10; b11 counts everything slower.
BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BUCKET_FIELDS: tuple[str, ...] = tuple(f"b{i}" for i in range(len(BUCKETS) + 1))


class Sample(models.Model):
    """One minute of one series, summed over every process.

    Series: ``http`` (every request; refused = 4xx, failed = 5xx) and
    ``<service>.<method>`` for contract calls (refused = a ContractError, failed = any other
    exception). b0…b11 count the calls per latency bucket (`BUCKETS`).
    """

    minute = models.DateTimeField()
    series = models.CharField(max_length=120)
    calls = models.PositiveBigIntegerField(default=0)
    refused = models.PositiveBigIntegerField(default=0)
    failed = models.PositiveBigIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    b0 = models.PositiveBigIntegerField(default=0)
    b1 = models.PositiveBigIntegerField(default=0)
    b2 = models.PositiveBigIntegerField(default=0)
    b3 = models.PositiveBigIntegerField(default=0)
    b4 = models.PositiveBigIntegerField(default=0)
    b5 = models.PositiveBigIntegerField(default=0)
    b6 = models.PositiveBigIntegerField(default=0)
    b7 = models.PositiveBigIntegerField(default=0)
    b8 = models.PositiveBigIntegerField(default=0)
    b9 = models.PositiveBigIntegerField(default=0)
    b10 = models.PositiveBigIntegerField(default=0)
    b11 = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("minute", "series"), name="ops_one_sample_per_minute")
        ]

    def __str__(self) -> str:
        return f"{self.series} @ {self.minute:%H:%M}: {self.calls}"


class ErrorRecord(models.Model):
    """A log record at ERROR or above, with the context it was logged in."""

    logged_at = models.DateTimeField(db_index=True)
    level = models.CharField(max_length=10)
    logger = models.CharField(max_length=200)
    message = models.TextField()
    exception = models.TextField(blank=True)
    request_id = models.CharField(max_length=128, blank=True, db_index=True)
    user_id = models.CharField(max_length=64, blank=True)
    route = models.CharField(max_length=300, blank=True)
    contract_call = models.CharField(max_length=120, blank=True)
    process = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("-logged_at", "-id")

    def __str__(self) -> str:
        return f"{self.logged_at:%Y-%m-%d %H:%M:%S} {self.level} {self.logger}: {self.message[:60]}"
