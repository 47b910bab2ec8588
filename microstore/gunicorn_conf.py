"""gunicorn settings: its own log lines go out as JSON like the app's (DJANGO_DEBUG=0).

GUNICORN_WORKER_CLASS / GUNICORN_THREADS choose the workers (sync by default; gthread in a
split container). With PROMETHEUS_MULTIPROC_DIR set (docker/entrypoint.sh, web role) each worker
writes its metrics there; a worker that exits is marked dead so its live gauges leave the scrape.
"""

import multiprocessing
import os
from typing import Any

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# The split's services call each other: gthread workers keep those connections alive
# (docker-compose.yml's split profile sets both; `make run-split` passes the same on its command).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # requests are logged by the app, with their request id
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "microstore.logs.JsonFormatter"}},
    "filters": {"context": {"()": "microstore.logs.ContextFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["context"],
        }
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # untyped


def worker_exit(server: Any, worker: Any) -> None:
    """Write the worker's last per-minute samples and errors before it goes (ops dashboard)."""
    from django.apps import apps

    if apps.ready:
        from microstore.ops.recorder import recorder

        recorder.stop()
