"""Reading settings from the environment, with one clear line per mistake.

Every reader raises `EnvError` naming the variable; `manage.py`, `wsgi.py` and `asgi.py` turn it
into a one-line message and a non-zero exit at start-up, never a traceback inside a request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_EMAIL = re.compile(r"^(?:[^<>@\s]+@[^<>@\s.][^<>@\s]*|[^<>]*<[^<>@\s]+@[^<>@\s.][^<>@\s]*>)$")


class EnvError(ImproperlyConfigured):
    """A missing or malformed environment variable."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        super().__init__(f"{name}: {problem}")


class Env:
    """Typed access to a mapping of environment variables (os.environ by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def has(self, name: str) -> bool:
        return bool(self.environ.get(name, "").strip())

    def text(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self.environ.get(name, "").strip()
        if value:
            return value
        if required or default is None:
            raise EnvError(name, "is required but not set")
        return default

    def optional(self, name: str) -> str | None:
        value = self.environ.get(name, "").strip()
        return value or None

    def flag(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise EnvError(name, f"expected 1/0, true/false, yes/no or on/off, got {raw!r}")

    def number(self, name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
        raw = self.environ.get(name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise EnvError(name, f"expected a whole number, got {raw!r}") from None
        if not minimum <= value <= maximum:
            raise EnvError(name, f"expected a number from {minimum} to {maximum}, got {value}")
        return value

    def seconds(self, name: str, default: float, *, minimum: float, maximum: float) -> float:
        """A duration in seconds, whole or decimal (``0.5``)."""
        raw = self.environ.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise EnvError(name, f"expected a number of seconds, got {raw!r}") from None
        if not minimum <= value <= maximum:  # NaN fails this too
            raise EnvError(name, f"expected {minimum:g} to {maximum:g} seconds, got {raw}")
        return value

    def items(self, name: str, default: list[str]) -> list[str]:
        raw = self.environ.get(name, "")
        if not raw.strip():
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]

    def email(self, name: str, default: str) -> str:
        value = self.text(name, default)
        if not _EMAIL.match(value):
            raise EnvError(name, f"expected an email address, got {value!r}")
        return value

    def prefixed(
        self, name: str, prefixes: tuple[str, ...], default: str | None = None
    ) -> str | None:
        value = self.optional(name)
        if value is None:
            return default
        if not value.startswith(prefixes):
            raise EnvError(name, f"expected a value starting with {' or '.join(prefixes)}")
        return value

    def url(self, name: str, schemes: tuple[str, ...]) -> str | None:
        value = self.optional(name)
        if value is None:
            return None
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in schemes or not rest:
            raise EnvError(
                name, f"expected a URL starting with {' or '.join(s + '://' for s in schemes)}"
            )
        return value

    def json_mapping(self, name: str) -> dict[str, Any]:
        import json

        raw = self.optional(name)
        if raw is None:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise EnvError(name, f"is not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(value, dict):
            raise EnvError(name, "expected a JSON object")
        return value
