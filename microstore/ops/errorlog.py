"""A logging handler that keeps every ERROR record for the dashboard and `manage.py last_errors`."""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime

_FORMATTER = logging.Formatter()
_HOST = socket.gethostname()


class ErrorCollector(logging.Handler):
    """Hands records at ERROR and above, with their request context, to the recorder.

    Give it the ``context`` filter (microstore.logs.ContextFilter) so the request id, user id,
    route and contract call are on the record by the time it arrives."""

    def __init__(self, level: int = logging.ERROR) -> None:
        super().__init__(level)

    def emit(self, record: logging.LogRecord) -> None:
        # Imported here: logging is configured before the apps (and their models) are loaded.
        from microstore.ops.recorder import recorder

        try:
            exception = _FORMATTER.formatException(record.exc_info) if record.exc_info else ""
            recorder.error(
                {
                    "logged_at": datetime.fromtimestamp(record.created, tz=UTC),
                    "level": record.levelname[:10],
                    "logger": _text(record.name, 200),
                    "message": _text(record.getMessage(), 4000),
                    "exception": _text(exception[-10000:], 10000),
                    "request_id": _field(record, "request_id", 128),
                    "user_id": _field(record, "user_id", 64),
                    "route": _field(record, "route", 300),
                    "contract_call": _field(record, "contract_call", 120),
                    "process": f"{_HOST}:{os.getpid()}"[:64],
                }
            )
        except Exception:  # a logging handler must not raise
            self.handleError(record)


def _text(value: str, limit: int) -> str:
    """Storable text: PostgreSQL refuses NUL characters (a logged path may carry one)."""
    return value.replace("\x00", "\N{REPLACEMENT CHARACTER}")[:limit]


def _field(record: logging.LogRecord, name: str, limit: int) -> str:
    value = str(getattr(record, name, "") or "")
    return "" if value == "-" else _text(value, limit)
