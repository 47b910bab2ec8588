"""A contract's methods as data: what crosses the wire for each call, read from its Protocol.

The transport (server and client alike) is generated from this: each method's parameters with
their declared types and defaults, its result type, and whether it may be repeated
(`contracts.kernel.service.read_only` / `idempotent`). Encoding a call gives a JSON object of
named arguments; decoding one names the offending field (`DecodeError.path`), so a server can
answer a bad body with a 400 that says what is wrong.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, get_type_hints

from contracts.kernel import codec
from contracts.kernel.codec import JSON, DecodeError
from contracts.kernel.service import Repeat, declared_timeout, repeat_safety

_NO_DEFAULT = inspect.Parameter.empty


@dataclass(frozen=True)
class Param:
    name: str
    type: Any
    default: Any = _NO_DEFAULT

    @property
    def required(self) -> bool:
        return self.default is _NO_DEFAULT


@dataclass(frozen=True)
class Method:
    """One method of a service Protocol."""

    name: str
    params: tuple[Param, ...]
    returns: Any
    repeat: Repeat | None
    timeout: float | None

    @property
    def retry_safe(self) -> bool:
        """May a client send this call again when it did not get an answer?"""
        return self.repeat is not None

    def encode_call(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, JSON]:
        """The call's arguments as a JSON object of named values (TypeError when they do not
        fit the signature, as a wrong local call would)."""
        bound = self._signature().bind(None, *args, **kwargs)
        out: dict[str, JSON] = {}
        for param in self.params:
            if param.name in bound.arguments:
                out[param.name] = codec.encode(bound.arguments[param.name], param.type)
        return out

    def decode_call(self, body: JSON) -> dict[str, Any]:
        """Keyword arguments rebuilt from `encode_call`'s object; DecodeError names the field."""
        if not isinstance(body, dict):
            raise DecodeError("", "the body must be a JSON object of named arguments")
        known = {param.name for param in self.params}
        for name in body:
            if name not in known:
                raise DecodeError(name, f"is not a parameter of {self.name}")
        kwargs = {}
        for param in self.params:
            if param.name in body:
                kwargs[param.name] = codec.decode(body[param.name], param.type, param.name)
            elif param.required:
                raise DecodeError(param.name, "is required")
        return kwargs

    def encode_result(self, value: Any) -> JSON:
        return codec.encode(value, self.returns)

    def decode_result(self, data: JSON) -> Any:
        return codec.decode(data, self.returns, "result")

    @cache  # noqa: B019  # a Method is a frozen, immortal description
    def _signature(self) -> inspect.Signature:
        self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        return inspect.Signature(
            [self_param]
            + [
                inspect.Parameter(
                    p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=p.default
                )
                for p in self.params
            ]
        )


@cache
def methods_of(protocol: type) -> dict[str, Method]:
    """Every public method of a service Protocol (its own and inherited ones, `health` too)."""
    found: dict[str, Method] = {}
    for klass in reversed(protocol.__mro__):
        for name, function in vars(klass).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            found[name] = _describe(name, function)
    return found


def _describe(name: str, function: Any) -> Method:
    hints = get_type_hints(function)
    params = []
    for param in list(inspect.signature(function).parameters.values())[1:]:
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            raise TypeError(f"{name}: *args and **kwargs cannot cross a boundary")
        params.append(Param(param.name, hints[param.name], param.default))
    return Method(
        name=name,
        params=tuple(params),
        returns=hints["return"],
        repeat=repeat_safety(function),
        timeout=declared_timeout(function),
    )
