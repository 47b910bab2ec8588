"""Per-request context that follows a request through logs, contract calls and tasks."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")
user_id: ContextVar[str] = ContextVar("user_id", default="-")
route: ContextVar[str] = ContextVar("route", default="-")
# The contract call in progress ("catalog.reserve_stock"), set by microstore.instrument.
contract_call: ContextVar[str] = ContextVar("contract_call", default="-")

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(candidate: str | None) -> str:
    """The caller's id when it is safe to log and echo, else a fresh one."""
    if candidate and _VALID_ID.match(candidate):
        return candidate
    return new_request_id()


def clear(**kwargs: object) -> None:
    """Forget the finished request's context (connected to `request_finished`)."""
    request_id.set("-")
    user_id.set("-")
    route.set("-")
