"""Health: liveness, readiness, and checks beyond django-health-check's own.

`/health/live` says the process answers (no database, no checks): a failing one means restart
it. `/health/ready` runs every check of `/health/` and always answers JSON, naming the cause of a
failure: a failing one means send it no traffic. `/health/` stays the page for people (JSON with
`?format=json`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult, get_date_max
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from contracts.kernel.registry import registry
from contracts.kernel.service import Service
from microstore.ops import probes

T = TypeVar("T")


@dataclasses.dataclass
class TaskQueue(HealthCheck):  # type: ignore[misc]  # health_check ships no types
    """Fails when ready tasks have waited longer than HEALTH_TASK_BACKLOG_SECONDS."""

    def run(self) -> None:
        cutoff = timezone.now() - timedelta(seconds=settings.HEALTH_TASK_BACKLOG_SECONDS)
        waiting = DBTaskResult.objects.ready().filter(
            Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff)
        )
        count = waiting.count()
        if count:
            raise ServiceUnavailable(
                f"{count} task(s) waiting over {settings.HEALTH_TASK_BACKLOG_SECONDS}s: "
                "is `manage.py run_worker` running?"
            )


@dataclasses.dataclass
class ServiceProbe(HealthCheck):  # type: ignore[misc]  # health_check ships no types
    """Asks one bound service for its health: over HTTP, the remote's own probe, which fails
    when it does not answer or speaks an incompatible major version of the contract."""

    service: str = "catalog"

    @property
    def labels(self) -> dict[str, str]:
        """The binding and its address beside the service's name (/health/, OpenMetrics)."""
        binding = registry.bindings().get(self.service)
        if binding is None:
            return {"check": "ServiceProbe", "service": self.service}
        return {
            "check": "ServiceProbe",
            "service": self.service,
            "transport": binding.transport,
            "address": binding.address,
        }

    def run(self) -> None:
        result = probes.probe(self.service)  # remembered: the dashboard shows the last one
        if not result.ok:
            raise ServiceUnavailable(
                f"{self.service} ({result.transport}, {result.address}): {result.detail}"
            )


@dataclasses.dataclass
class PaymentGateway(HealthCheck):  # type: ignore[misc]  # health_check ships no types
    """Names the payment gateway the settings choose (Stripe or the fake) as a label on /health/,
    and fails when the bound payments service reports another one."""

    @staticmethod
    def configured() -> str:
        return "stripe" if settings.STRIPE["secret"] else "fake"

    @property
    def labels(self) -> dict[str, str]:
        return {"check": "PaymentGateway", "gateway": self.configured()}

    def run(self) -> None:
        detail = cast(Service, registry.resolve("payments")).health().detail
        if f"gateway: {self.configured()}" not in detail:
            raise ServiceUnavailable(f"payments report {detail or 'no gateway'}")


class _ClosingExecutor(ThreadPoolExecutor):
    """Runs each synchronous check in a thread that closes its database connections after.

    Without it every /health/ request under WSGI gets a fresh event loop whose default
    executor threads open connections that nobody closes."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        def run() -> T:
            try:
                return fn(*args, **kwargs)
            finally:
                connections.close_all()

        return super().submit(run)


class HealthView(HealthCheckView):  # type: ignore[misc]  # health_check ships no types
    """django-health-check's page, answering 503 rather than its 500 when a check fails: the
    shop is up and says what is not ready (a probe, a load balancer and a shopper's browser all
    read 503 as "not now"); a 500 stays what it means everywhere else, a crash."""

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
            response.reason_phrase = "Service Unavailable"
        return response

    def get_executor(self) -> ThreadPoolExecutor:
        return _ClosingExecutor(max_workers=4, thread_name_prefix="health")


class ReadinessView(HealthView):
    """Every check of /health/, always as JSON: 200 when all pass, 503 naming what failed."""

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.GET = QueryDict("format=json")
        response: HttpResponse = await super().get(request, *args, **kwargs)
        return response


@never_cache
def liveness(request: HttpRequest) -> JsonResponse:
    """The process answers: no database, no checks."""
    return JsonResponse({"status": "ok"})


def checks() -> list[object]:
    """Every check of /health/, explicit (the package default includes a DNS check)."""
    return [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
        "health_check.checks.Mail",
        TaskQueue,
        *((ServiceProbe, {"service": name}) for name in settings.SERVICE_NAMES),
        PaymentGateway,
    ]
