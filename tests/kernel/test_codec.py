"""Every contract can cross HTTP: each Protocol's parameters and results, and each event,
survive the JSON codec unchanged."""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import pkgutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import get_type_hints
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contracts
from contracts.kernel import codec
from contracts.kernel.events import _EVENT_TYPES, Event
from contracts.kernel.money import Money

st.register_type_strategy(
    Money,
    st.builds(
        Money,
        st.decimals(min_value=-(10**9), max_value=10**9, places=2),
        st.sampled_from(["EUR", "USD", "JPY", "KWD"]),
    ),
)
st.register_type_strategy(int, st.integers(-(2**63), 2**63 - 1))  # the codec's range
st.register_type_strategy(str, st.text(st.characters(exclude_characters="\x00")))  # no NUL
st.register_type_strategy(datetime, st.datetimes(timezones=st.just(UTC)))
st.register_type_strategy(Decimal, st.decimals(allow_nan=False, allow_infinity=False))


def _contract_modules():
    for info in pkgutil.walk_packages(contracts.__path__, "contracts."):
        yield importlib.import_module(info.name)


def _protocols():
    found = {}
    for module in _contract_modules():
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if getattr(obj, "_is_protocol", False) and obj.__module__.startswith("contracts."):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def _signatures():
    """(label, type) for every parameter and return type of every Protocol method."""
    out = []
    for name, protocol in sorted(_protocols().items()):
        for method_name, method in inspect.getmembers(protocol, inspect.isfunction):
            if method_name.startswith("_"):
                continue
            hints = get_type_hints(method)
            params = [p for p in inspect.signature(method).parameters if p != "self"]
            missing = [p for p in [*params, "return"] if p not in hints]
            assert not missing, f"{name}.{method_name} leaves {missing} without a type"
            out += [(f"{name}.{method_name}:{label}", tp) for label, tp in hints.items()]
    return out


SIGNATURES = _signatures()


def test_the_walk_finds_every_service_protocol():
    names = {label.split(".")[1] for label, _ in SIGNATURES}
    assert {"catalog", "accounts", "cart", "orders", "payments", "notifications"} <= names


@pytest.mark.parametrize(("label", "tp"), SIGNATURES, ids=[label for label, _ in SIGNATURES])
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_every_contract_type_round_trips_through_the_codec(label, tp, data):
    value = data.draw(st.from_type(tp))
    text = codec.dumps(value, tp)
    assert codec.loads(text, tp) == value, label


EVENTS = sorted(_EVENT_TYPES.items())


@pytest.mark.parametrize(("name", "event_type"), EVENTS, ids=[n for n, _ in EVENTS] or None)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_event_round_trips_through_the_codec(name, event_type, data):
    event = data.draw(st.from_type(event_type))
    assert codec.loads(codec.dumps(event, event_type), event_type) == event


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int
    price: Money


@dataclass(frozen=True)
class Sample:
    id: UUID
    at: datetime
    day: date
    lines: tuple[Line, ...]
    colour: Colour
    note: str | None
    tags: dict[str, int]


def test_a_nested_dto_round_trips_and_decimals_travel_as_strings():
    sample = Sample(
        id=UUID(int=7),
        at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        day=date(2026, 11, 24),
        lines=(Line("SKU-1", 2, Money("19.99", "EUR")),),
        colour=Colour.BLUE,
        note=None,
        tags={"a": 1},
    )
    text = codec.dumps(sample, Sample)
    assert json.loads(text)["lines"][0]["price"] == {"amount": "19.99", "currency": "EUR"}
    assert codec.loads(text, Sample) == sample


def test_floats_and_naive_datetimes_are_refused():
    with pytest.raises(TypeError, match="floats"):
        codec.encode(1.5, float)
    with pytest.raises(TypeError, match="naive"):
        codec.encode(datetime(2026, 1, 1), datetime)  # noqa: DTZ001  # the point of the test


def test_malformed_data_is_a_value_error_not_a_wrong_value():
    with pytest.raises(ValueError, match="expected"):
        codec.decode("12", int)
    with pytest.raises(ValueError, match="timezone"):
        codec.decode("2026-01-01T00:00:00", datetime)
    for beyond in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        with pytest.raises(ValueError, match="out of range in UTC"):
            codec.decode(beyond, datetime)
    with pytest.raises(ValueError, match="fits no member"):
        codec.decode(["x"], int | None)


def test_events_carry_id_time_and_type():
    class Shipped(Event):
        parcel: str

    event = Shipped(parcel="P1")
    assert event.event_type() == "kernel.Shipped" or event.event_type().endswith(".Shipped")
    assert event.occurred_at.tzinfo is not None
    assert codec.loads(codec.dumps(event, Shipped), Shipped) == event


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 10**40])
def test_an_integer_beyond_64_bits_is_refused_both_ways(number):
    with pytest.raises(codec.DecodeError, match="out of range") as refused:
        codec.decode({"ids": [1, number]}, dict[str, tuple[int, ...]])
    with pytest.raises(ValueError, match="out of range"):
        codec.encode(number, int)

    assert refused.value.path == "ids[1]"
    assert codec.decode([2**63 - 1, -(2**63)], tuple[int, ...]) == (2**63 - 1, -(2**63))


def test_a_string_with_a_nul_is_refused_both_ways():
    with pytest.raises(codec.DecodeError, match="NUL") as refused:
        codec.decode({"slug": "mug\x00"}, dict[str, str])
    with pytest.raises(ValueError, match="NUL"):
        codec.encode("mug\x00", str)

    assert refused.value.path == "slug"
