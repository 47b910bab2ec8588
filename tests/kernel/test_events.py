import pytest

from contracts.kernel import events
from contracts.kernel.events import Event, subscribers_of


class Pinged(Event):
    target: str


class LoudPinged(Pinged):
    volume: int


def test_subscriber_names_must_be_app_dot_name():
    with pytest.raises(ValueError, match="app.handler_name"):
        events.subscribe(Pinged, name="Bad Name")


def test_subscribers_of_includes_subscribers_of_a_base_event(subscriber):
    @subscriber(Pinged, name="tests.on_ping")
    def on_ping(event: Pinged) -> None: ...

    @subscriber(LoudPinged, name="tests.on_loud")
    def on_loud(event: LoudPinged) -> None: ...

    assert [s.name for s in subscribers_of(Pinged)] == ["tests.on_ping"]
    assert [s.name for s in subscribers_of(LoudPinged)] == ["tests.on_loud", "tests.on_ping"]


def test_a_taken_subscriber_name_is_refused(subscriber):
    @subscriber(Pinged, name="tests.taken")
    def first(event: Pinged) -> None: ...

    def second(event: Pinged) -> None: ...

    with pytest.raises(ValueError, match="already taken"):
        events.subscribe(Pinged, name="tests.taken")(second)


def test_publish_without_a_bus_is_a_wiring_error(monkeypatch):
    monkeypatch.setattr(events, "_bus", None)
    with pytest.raises(RuntimeError, match="no event bus"):
        events.publish(Pinged(target="x"))
