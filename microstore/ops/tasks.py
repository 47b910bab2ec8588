"""Periodic housekeeping of the ops tables (scheduled in microstore.outbox.schedule)."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from microstore.ops.models import ErrorRecord, Sample

KEEP_SAMPLES = timedelta(hours=48)  # today's figures need up to 24 h
KEEP_ERRORS = timedelta(days=14)
MAX_ERRORS = 1000


@task()
def prune() -> int:
    """Drop samples older than two days and errors older than two weeks or beyond the newest
    thousand; returns how many rows went."""
    now = timezone.now()
    samples, _ = Sample.objects.filter(minute__lt=now - KEEP_SAMPLES).delete()
    old, _ = ErrorRecord.objects.filter(logged_at__lt=now - KEEP_ERRORS).delete()
    newest_first = ErrorRecord.objects.order_by("-pk").values_list("pk", flat=True)
    cutoff = newest_first[MAX_ERRORS : MAX_ERRORS + 1]
    excess = 0
    if cutoff:
        excess, _ = ErrorRecord.objects.filter(pk__lte=cutoff[0]).delete()
    return samples + old + excess
