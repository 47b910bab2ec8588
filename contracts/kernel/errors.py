"""Errors that cross a service boundary.

Every error a contract method may raise is a `ContractError` subclass with a stable `code`: the
code, not the class, is what crosses HTTP, so the transport maps it back to the same class on the
caller's side (`error_class_for`). `status` is the HTTP status the gateway answers with.
`details` hold JSON values only, the same on every binding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

_BY_CODE: dict[str, type[ContractError]] = {}


class ContractError(Exception):
    """Base of every error promised by a contract; `code` is stable and machine-readable."""

    code: ClassVar[str] = "contract_error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "The request could not be carried out."

    def __init__(
        self, message: str | None = None, *, details: Mapping[str, Any] | None = None
    ) -> None:
        self.message = message or self.title
        # As JSON holds them (tuples become lists, Decimals strings), so the details read the
        # same whether the error was raised here or rebuilt from another process's answer.
        plain = json.loads(json.dumps(dict(details or {}), default=str))
        self.details: Mapping[str, Any] = MappingProxyType(plain)
        super().__init__(self.message)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            raise TypeError(f"{cls.__name__} must declare its own stable `code`")
        known = _BY_CODE.get(cls.code)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"error code {cls.code!r} is already used by {known.__name__}")
        _BY_CODE[cls.code] = cls

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, self.message, dict(self.details)))


def _rebuild(code: str, message: str, details: dict[str, Any]) -> ContractError:
    return error_class_for(code)(message, details=details)


def error_class_for(code: str) -> type[ContractError]:
    """The error class registered for `code`; unknown codes map to `ContractError` itself."""
    return _BY_CODE.get(code, ContractError)


_BY_CODE[ContractError.code] = ContractError


class InvalidRequest(ContractError):
    """The arguments break a rule of the contract; sending them again will fail again."""

    code = "invalid_request"
    status = 422
    title = "The request is not valid."


class NotFound(ContractError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    code = "not_found"
    status = 404
    title = "Not found."


class Conflict(ContractError):
    """The request clashes with the current state; it may succeed after that state changes."""

    code = "conflict"
    status = 409
    title = "The request conflicts with the current state."


class Unavailable(ContractError):
    """The service cannot answer now; an idempotent call may be retried later."""

    code = "unavailable"
    status = 503
    title = "The service is unavailable."


class TimedOut(Unavailable):
    """The service did not answer in time; it may still have done the work (a write declared
    idempotent may be repeated with the same key to learn the outcome)."""

    code = "timeout"
    status = 504
    title = "The service did not answer in time."
