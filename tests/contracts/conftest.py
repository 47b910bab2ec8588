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


# Each binding's database, as a mark on its parameter: pytest-django decides which databases
# to create from the collected tests' marks and fixtures, so asking for `db` from inside the
# fixture (getfixturevalue) would find no test database set up when no other test asked first.
_DATABASE = {
    "local": pytest.mark.django_db,
    "loopback": pytest.mark.django_db,
    "http": pytest.mark.django_db(transaction=True),
    "fake": pytest.mark.django_db,
}


def implementations(service: str, *, fake: Callable[[], object] | None = None) -> Any:
    """A fixture named `service` answering with each binding in turn (and `fake()` if given)."""
    kinds = [*BINDINGS, *(["fake"] if fake is not None else [])]
    params = [pytest.param(kind, marks=_DATABASE[kind], id=kind) for kind in kinds]

    @pytest.fixture(params=params, name=service)
    def implementation(request: pytest.FixtureRequest) -> object:
        kind = request.param
        if kind == "fake":
            return fake()  # type: ignore[misc]
        if kind not in bindings.KINDS and kind != "http":
            pytest.skip(f"the {kind} binding is not built yet")
        if kind == "http" and "http" not in bindings.KINDS:
            pytest.skip("the HTTP binding is not built yet")
        address = str(request.getfixturevalue("live_server").url) if kind == "http" else kind
        return bindings.build(service, address)

    return implementation


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Customers are made with passwords; the production hasher is slow on purpose, and these
    suites check contracts, not its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
