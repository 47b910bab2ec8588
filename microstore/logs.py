"""Log records carry the request context; production writes them as JSON lines on stdout."""

from __future__ import annotations

import logging
import os
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from microstore import context

# The process's service in the split shop (MICROSTORE_ROLE; read here, not from settings, since
# gunicorn configures logging before Django loads), "microstore" for the monolith.
SERVICE = os.environ.get("MICROSTORE_ROLE") or "microstore"


class ContextFilter(logging.Filter):
    """Stamp every record with the request id, user id, route and contract call in progress."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or context.request_id.get()
        record.user_id = getattr(record, "user_id", None) or context.user_id.get()
        record.route = getattr(record, "route", None) or context.route.get()
        record.contract_call = getattr(record, "contract_call", None) or context.contract_call.get()
        record.service = getattr(record, "service", None) or SERVICE
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: timestamp, level, logger, message and the context fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("timestamp", "timestamp")
        kwargs.setdefault(
            "reserved_attrs",
            [*_RESERVED, "color_message"],
        )
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data["level"] = record.levelname
        log_data["logger"] = record.name


_RESERVED = [
    "args", "asctime", "created", "exc_info", "exc_text", "filename", "funcName", "levelname",
    "levelno", "lineno", "module", "msecs", "message", "msg", "name", "pathname", "process",
    "processName", "relativeCreated", "stack_info", "thread", "threadName", "taskName",
]  # fmt: skip
