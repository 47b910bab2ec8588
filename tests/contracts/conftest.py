"""Each contract's conformance suite runs against every binding of its service.

A suite asks for its service by name (``catalog``, ``cart``, ...) through the fixture that
`implementations()` makes, and gets, once per binding: the local facade, the `loopback` binding
(every argument, result and error through the codec), the HTTP client against a live server, and
the fake that other apps' tests use where there is one. A test therefore states the promise once
and every implementation must keep it: a fake that drifts from the real service fails here.

The HTTP binding talks to another thread over a socket, so its tests run on a transactional
database (data a test creates is committed before the server reads it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from microstore import bindings

BINDINGS = ("local", "loopback", "http")


def _param(kind: str) -> Any:
    # The database mark rides on the parameter, so each binding's tests get the right one.
    return pytest.param(kind, marks=pytest.mark.django_db(transaction=kind == "http"), id=kind)


def implementations(service: str, *, fake: Callable[[], object] | None = None) -> Any:
    """A fixture named `service` answering with each binding in turn (and `fake()` if given)."""
    params = [_param(kind) for kind in (*BINDINGS, *(["fake"] if fake is not None else []))]

    @pytest.fixture(params=params, name=service)
    def implementation(request: pytest.FixtureRequest) -> object:
        kind = request.param
        if kind == "fake":
            return fake()  # type: ignore[misc]
        if kind == "http":
            return bindings.build(service, str(request.getfixturevalue("live_server").url))
        return bindings.build(service, kind)

    return implementation
