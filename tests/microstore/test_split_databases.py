"""One database per service: `migrate` in a role creates only its service's tables and the
shared ones, and the monolith keeps every table.

Each role's database is migrated in this process (`call_command("migrate", database=…)` with
MICROSTORE_ROLE set, the real router and the real post-migrate handlers) on the suite's own
backend: SQLite files under tmp_path, or on PostgreSQL databases named after the test database
(`test_shop_catalog`…), created and dropped here. One test runs `manage.py migrate` in a real
process with only the environment, as `make run-split` will.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings

from microstore import topology

ROOT = Path(__file__).resolve().parents[2]
ROLES = topology.SERVICE_NAMES


def tables_of(app_label: str) -> set[str]:
    config = apps.get_app_config(app_label)
    return {model._meta.db_table for model in config.get_models(include_auto_created=True)}


def expected_tables(role: str) -> set[str]:
    return {"django_migrations"} | {
        table
        for config in apps.get_app_configs()
        if topology.migrates(role, config.label)
        for table in tables_of(config.label)
    }


def other_services_tables(role: str) -> set[str]:
    return {
        table
        for config in apps.get_app_configs()
        if (owner := topology.app_owner(config.label)) and owner != role
        for table in tables_of(config.label)
    }


def _postgres() -> bool:
    return connections["default"].vendor == "postgresql"


@contextmanager
def empty_database(role: str, tmp_path: Path) -> Iterator[str]:
    """The NAME of a fresh database for `role`: a SQLite file, or a PostgreSQL database named
    after the test database (dropped afterwards)."""
    if not _postgres():
        yield str(tmp_path / f"{role}.sqlite3")
        return
    name = topology.split_database_name(connections["default"].settings_dict["NAME"], role)
    _on_the_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        _on_the_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _on_the_server(*statements: str) -> None:
    """Run each statement on the test database's server from a connection of its own (to the
    `postgres` database, autocommit): never on the test's connection, which a slow statement
    interrupted by the timeout would leave unusable for every later test of this worker."""
    import psycopg

    base = connections["default"].settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=base["HOST"] or None,
        port=base["PORT"] or None,
        user=base["USER"] or None,
        password=base["PASSWORD"] or None,
        autocommit=True,
        options="-c statement_timeout=60000",  # a clear error rather than a silent hang
    ) as server:
        for statement in statements:
            server.execute(statement)  # type: ignore[arg-type]  # our own names


@contextmanager
def connected(alias: str, name: str) -> Iterator[Any]:
    """A connection `alias` to the database `name` on the test database's server."""
    base = connections["default"].settings_dict
    connections.settings[alias] = connections.configure_settings(
        {"default": base, alias: {**base, "NAME": name}}
    )[alias]
    try:
        yield connections[alias]
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


@contextmanager
def role_database(role: str, tmp_path: Path) -> Iterator[Any]:
    """A fresh database for `role` beside the test database, migrated in this process."""
    with empty_database(role, tmp_path) as name, connected(f"split_{role}", name) as db:
        with override_settings(MICROSTORE_ROLE=role):
            call_command("migrate", database=db.alias, verbosity=0, interactive=False)
        yield db


def table_names(conn: Any) -> set[str]:
    return {name for name in conn.introspection.table_names() if not name.startswith("sqlite_")}


def rows(conn: Any, sql: str) -> set[tuple[Any, ...]]:
    with conn.cursor() as cursor:
        cursor.execute(sql)
        return {tuple(row) for row in cursor.fetchall()}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "payments"])  # payments: below
def test_a_services_database_holds_its_tables_and_the_shared_ones_only(
    role, tmp_path, django_db_setup, django_db_blocker
):
    with django_db_blocker.unblock(), role_database(role, tmp_path) as db:
        found = table_names(db)
        content_types = rows(db, "SELECT app_label, model FROM django_content_type")
        pages = rows(db, "SELECT url FROM django_flatpage") if role == "accounts" else set()
        site = rows(db, "SELECT id, domain FROM django_site") if role == "accounts" else set()

    assert found == expected_tables(role)
    assert not found & other_services_tables(role)
    assert tables_of(role) <= found
    labels = {label for label, _ in content_types}
    if role == "accounts":
        # The shop's permissions point at every model's content type; one Site, the info pages.
        assert labels == {c.label for c in apps.get_app_configs() if list(c.get_models())}
        assert {"auth_permission", "django_site", "django_flatpage", "django_admin_log"} <= found
        assert ("/pages/contact/",) in pages
        assert site == {(1, "127.0.0.1:8000")}
    else:
        assert labels == {label for label in labels if topology.migrates(role, label)}
        assert role in labels
        assert not {"auth_permission", "django_site", "django_flatpage", "accounts_user"} & found


@pytest.mark.django_db
def test_the_monolith_keeps_every_table_and_each_lands_in_some_service(tmp_path, django_db_blocker):
    every_model_table = {"django_migrations"} | {
        table for config in apps.get_app_configs() for table in tables_of(config.label)
    }
    union = set().union(*(expected_tables(role) for role in ROLES))

    assert settings.MICROSTORE_ROLE == ""
    assert table_names(connection) == every_model_table
    assert union == every_model_table


def test_manage_py_migrate_in_a_role_needs_only_the_environment(
    tmp_path, django_db_setup, django_db_blocker
):
    others = {name: f"http://127.0.0.1:{8101 + i}" for i, name in enumerate(ROLES)}
    del others["payments"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "MICROSTORE_"))},
        "MICROSTORE_ROLE": "payments",
        "MICROSTORE_SERVICES": json.dumps(others),
        "MICROSTORE_INTERNAL_SECRET": "split-test-" + "s3cr3t-k3y-" * 4,
    }
    with django_db_blocker.unblock(), empty_database("payments", tmp_path) as name:
        base = connections["default"].settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{base['USER']}:{base['PASSWORD']}@{base['HOST']}:{base['PORT']}/{name}"
            if _postgres()
            else f"sqlite:///{name}"
        )
        done = subprocess.run(  # noqa: S603  # our own manage.py
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=110,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        with connected("split_check", name) as db:
            found = table_names(db)

    assert found == expected_tables("payments")
    assert not found & other_services_tables("payments")


def test_a_role_without_a_database_url_gets_its_own_sqlite_file():
    from microstore import config
    from microstore.env import Env

    path = config.split_sqlite_path(Path("/shop"), "cart")
    db = config.database(Env({}), path)

    assert path == Path("/shop/var/split/cart.sqlite3")
    assert db["NAME"] == "/shop/var/split/cart.sqlite3"
