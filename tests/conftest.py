"""Fixtures shared by the whole suite: the task worker, temporary subscribers, the database."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from contracts.kernel import events


@pytest.fixture(scope="session", autouse=True)
def _services_bound_loopback() -> None:
    """Every service is bound `loopback` for the suite (unless MICROSTORE_SERVICES names another
    binding for it): each contract call of every test crosses the codec and the transport's
    server code, signed and checked, as it would over HTTP."""
    from django.conf import settings

    from microstore import bindings

    chosen = json.loads(os.environ.get("MICROSTORE_SERVICES") or "{}")
    bindings.bind_services({name: chosen.get(name, "loopback") for name in settings.SERVICE_NAMES})


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """MD5 instead of PBKDF2's million rounds for the whole suite: every UserFactory and every
    sign-in hashes a password, and at ~0.3 s each they were a large share of the suite's time.
    The shop itself keeps Django's default hashers (PBKDF2 first)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_persistent_connections() -> None:
    """A live server answers each request in a thread of its own: with persistent connections
    every such thread would leave one open, and the test database could not be dropped."""
    from django.db import connections

    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache (rendered fragments, rate limits)."""
    from django.core.cache import cache

    from apps.catalog.cache import clear_local

    cache.clear()
    clear_local()
    yield
    cache.clear()
    clear_local()


@pytest.fixture(scope="session", autouse=True)
def _no_recorder_thread() -> None:
    """The ops recorder never writes on its own in tests (query counts stay exact, nothing
    writes from another thread); tests call `recorder.flush()` when they want the rows."""
    from microstore.ops.recorder import recorder

    recorder.background = False


@pytest.fixture(autouse=True)
def _fresh_recorder() -> Iterator[None]:
    from microstore.ops.recorder import recorder

    recorder.reset()
    yield
    recorder.reset()


@pytest.fixture
def drain_tasks(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Run every ready task with the real django-tasks-db worker, in this thread; returns the
    number run. Tasks enqueued while draining (retries due now) run too."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.management.commands.db_worker import Worker

    # Between tasks the worker closes connections that are inside a transaction; in a test
    # that is the test's own transaction, which must stay open.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def drain() -> int:
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="pytest",
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks

    return drain


@pytest.fixture
def subscriber() -> Iterator[Callable[..., Any]]:
    """Register temporary event subscribers: ``subscriber(EventType, name="tests.x")(fn)``."""
    names: list[str] = []

    def register(event_type: type[events.Event], *, name: str) -> Callable[..., Any]:
        names.append(name)
        return events.subscribe(event_type, name=name)

    yield register
    for name in names:
        events.unsubscribe(name)


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks and real concurrency); CI runs it there")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
