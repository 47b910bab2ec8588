"""The JSON codec for DTOs: how contract arguments, results and events cross HTTP.

Encoding is driven by the declared type, so decoding rebuilds exactly what was sent:
Decimals travel as strings (never floats), datetimes as ISO 8601 with their offset, UUIDs and
enums by value, dataclasses as objects of their fields, tuples and lists as arrays.
`TypeError` means a type the codec does not support: a contract must not use it.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints
from uuid import UUID

JSON = dict[str, Any] | list[Any] | str | int | bool | None


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


@cache  # a DTO class is immortal; reading its fields anew for each value cost ~18% of a decode
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = _hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.init)


def _supertype(tp: Any) -> Any:
    while hasattr(tp, "__supertype__"):  # NewType
        tp = tp.__supertype__
    return tp


def encode(value: Any, tp: Any) -> JSON:
    """`value` as JSON-compatible data, following its declared type `tp`."""
    tp = _supertype(tp)
    origin = get_origin(tp)
    if tp is Any:
        raise TypeError("Any is not allowed in a contract: declare the type")
    if origin in (Union, types.UnionType):
        if value is None and type(None) in get_args(tp):
            return None
        for option in get_args(tp):
            if option is not type(None) and _is_instance(value, option):
                return encode(value, option)
        raise TypeError(f"{value!r} matches no member of {tp}")
    if tp is type(None):
        return None
    if origin is typing.Literal:
        return value  # type: ignore[no-any-return]
    if origin is tuple or origin is list:
        args = get_args(tp)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return [encode(v, t) for v, t in zip(value, args, strict=True)]
        return [encode(v, args[0]) for v in value]
    if origin is dict:
        key_tp, value_tp = get_args(tp)
        return {str(encode(k, key_tp)): encode(v, value_tp) for k, v in value.items()}
    if isinstance(tp, type):
        return _encode_type(value, tp)
    raise TypeError(f"the codec does not support {tp!r}")


def _encode_type(value: Any, tp: type) -> JSON:
    if issubclass(tp, enum.Enum):
        return value.value  # type: ignore[no-any-return]
    if tp is str and "\x00" in value:
        raise ValueError("a NUL character cannot cross a boundary (no database stores it)")
    if tp is bool or tp is str:
        return value  # type: ignore[no-any-return]
    if tp is int:
        if isinstance(value, bool):
            raise TypeError("a bool is not an int here")
        if not _INT_MIN <= value <= _INT_MAX:
            raise ValueError(f"{value} is out of range: contract integers are 64-bit")
        return int(value)
    if tp is float:
        raise TypeError("floats are not allowed in contracts: use Decimal")
    if tp is Decimal:
        return str(value)
    if tp is UUID:
        return str(value)
    if tp is datetime:
        if value.tzinfo is None:
            raise TypeError("naive datetimes cannot cross a boundary: attach a timezone")
        return value.isoformat()  # type: ignore[no-any-return]
    if tp is date:
        return value.isoformat()  # type: ignore[no-any-return]
    if dataclasses.is_dataclass(tp):
        return {name: encode(getattr(value, name), ftp) for name, ftp in _fields(tp)}
    raise TypeError(f"the codec does not support {tp!r}")


class DecodeError(ValueError):
    """Data that does not fit its declared type; `path` names where (``lines[0].quantity``)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path or 'value'}: {reason}")


def decode(data: JSON, tp: Any, path: str = "") -> Any:
    """Rebuild a value of type `tp` from data made by `encode`; DecodeError (a ValueError) on
    bad data, naming the path of the offending part below `path`."""
    try:
        return _decode(data, tp, path)
    except DecodeError:
        raise
    except (TypeError, ValueError, KeyError, ArithmeticError) as exc:
        raise DecodeError(path, str(exc) or type(exc).__name__) from exc
    except Exception as exc:  # a DTO's own check (e.g. Money's currency) refused the value
        if type(exc).__module__.startswith("contracts."):
            raise DecodeError(path, str(exc)) from exc
        raise


def _at(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _decode(data: JSON, tp: Any, path: str) -> Any:
    tp = _supertype(tp)
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        if data is None and type(None) in get_args(tp):
            return None
        errors = []
        for option in get_args(tp):
            if option is type(None):
                continue
            try:
                return decode(data, option, path)
            except DecodeError as exc:
                errors.append(exc.reason)
        raise DecodeError(path, f"{data!r} fits no member of {tp}: {'; '.join(errors)}")
    if origin is typing.Literal:
        if data not in get_args(tp):
            raise DecodeError(path, f"{data!r} is not one of {get_args(tp)}")
        return data
    if origin is tuple or origin is list:
        if not isinstance(data, list):
            raise DecodeError(path, f"expected an array, got {_show(data)}")
        args = get_args(tp)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(data) != len(args):
                raise DecodeError(path, f"expected {len(args)} items, got {len(data)}")
            pairs = enumerate(zip(data, args, strict=True))
            return tuple(decode(v, t, _at(path, i)) for i, (v, t) in pairs)
        items = [decode(v, args[0], _at(path, i)) for i, v in enumerate(data)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(data, dict):
            raise DecodeError(path, f"expected an object, got {_show(data)}")
        key_tp, value_tp = get_args(tp)
        return {
            decode(k, key_tp, _at(path, k)): decode(v, value_tp, _at(path, k))
            for k, v in data.items()
        }
    if isinstance(tp, type):
        return _decode_type(data, tp, path)
    raise TypeError(f"the codec does not support {tp!r}")


def _show(data: Any) -> str:
    text = repr(data)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _expect(data: Any, kind: type | tuple[type, ...], path: str) -> Any:
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        name = kind.__name__ if isinstance(kind, type) else str(kind)
        raise DecodeError(path, f"expected {_JSON_NAMES.get(name, name)}, got {_show(data)}")
    return data


# No contract string holds a NUL: PostgreSQL stores none (in text or JSON), so one that came
# through would fail in the database driver, deep inside a service.
# No contract integer is larger than a 64-bit one (database ids and counts): a bigger one is
# refused here rather than overflowing in the database driver, as JSON's own portable range.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
_JSON_NAMES = {"str": "a string", "int": "an integer", "bool": "a boolean", "dict": "an object"}


def _decode_type(data: JSON, tp: type, path: str) -> Any:
    if tp is type(None):
        if data is not None:
            raise DecodeError(path, f"expected null, got {_show(data)}")
        return None
    if issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in tp)
            raise DecodeError(path, f"{_show(data)} is not one of {allowed}") from None
    if tp is int:
        number = _expect(data, int, path)
        if not _INT_MIN <= number <= _INT_MAX:
            raise DecodeError(path, f"{_show(number)} is out of range (a 64-bit integer)")
        return number
    if tp is str:
        text = _expect(data, str, path)
        if "\x00" in text:
            raise DecodeError(path, "a NUL character cannot cross a boundary")
        return text
    if tp is bool:
        return _expect(data, bool, path)
    if tp is Decimal:
        text = _expect(data, str, path)
        try:
            return Decimal(text)
        except ArithmeticError:
            raise DecodeError(path, f"{_show(text)} is not a decimal number") from None
    if tp is UUID:
        return UUID(_expect(data, str, path))
    if tp is datetime:
        parsed = datetime.fromisoformat(_expect(data, str, path))
        if parsed.tzinfo is None:
            raise DecodeError(path, "datetime without a timezone")
        try:  # 0001-01-01T00:00+14:00 parses, but no database (nor Python) can hold it in UTC
            parsed.astimezone(UTC)
        except OverflowError:
            raise DecodeError(path, "datetime out of range in UTC") from None
        return parsed
    if tp is date:
        return date.fromisoformat(_expect(data, str, path))
    if dataclasses.is_dataclass(tp):
        obj = _expect(data, dict, path)
        values = {}
        for name, ftp in _fields(tp):
            if name in obj:
                values[name] = decode(obj[name], ftp, _at(path, name))
            elif _required(tp, name):
                raise DecodeError(_at(path, name), "is required")
        return tp(**values)
    raise TypeError(f"the codec does not support {tp!r}")


@cache
def _required_fields(cls: type) -> frozenset[str]:
    return frozenset(
        f.name
        for f in dataclasses.fields(cls)
        if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


def _required(cls: type, name: str) -> bool:
    return name in _required_fields(cls)


def _is_instance(value: Any, tp: Any) -> bool:
    tp = _supertype(tp)
    origin = get_origin(tp) or tp
    if origin is typing.Literal:
        return value in get_args(tp)
    if origin in (Union, types.UnionType):
        return any(_is_instance(value, t) for t in get_args(tp))
    if origin is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, origin)


def dumps(value: Any, tp: Any) -> str:
    """`value` as a compact JSON string."""
    return json.dumps(encode(value, tp), separators=(",", ":"), ensure_ascii=False)


def loads(text: str | bytes, tp: Any) -> Any:
    """The value of type `tp` that `dumps` wrote."""
    return decode(json.loads(text), tp)
