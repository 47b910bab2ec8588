"""Settings come from the environment; a bad value stops start-up with one line naming it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from microstore import config
from microstore.env import Env, EnvError

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("catalog", "accounts", "cart", "orders", "payments", "notifications")


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SMTP_", "STRIPE_"))
    }
    clean.pop("DATABASE_URL", None)
    clean.pop("MICROSTORE_SERVICES", None)
    return subprocess.run(  # noqa: S603  # our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DATABASE_URL": "mysql://db/shop"}, "DATABASE_URL"),
        ({"SMTP_HOST": "mail", "SMTP_PORT": "twenty-five"}, "SMTP_PORT"),
        ({"STRIPE_SECRET_KEY": "sk_test_1"}, "STRIPE_PUBLIC_KEY"),
        ({"MICROSTORE_SERVICES": '{"catalog": "grpc://catalog:8000"}'}, "MICROSTORE_SERVICES"),
        (
            {"MICROSTORE_SERVICES": '{"catalog": "http://catalog:8000"}'},
            "MICROSTORE_INTERNAL_SECRET",
        ),  # fmt: skip
        ({"MICROSTORE_INTERNAL_SECRET": "short"}, "MICROSTORE_INTERNAL_SECRET"),
        ({"DJANGO_DEBUG": "0"}, "DJANGO_SECRET_KEY"),
        ({"TASK_HEARTBEAT_SECONDS": "30", "TASK_LEASE_SECONDS": "20"}, "TASK_LEASE_SECONDS"),
        (
            {"OUTBOX_LEASE_SECONDS": "20", "OUTBOX_DELIVERY_TIMEOUT": "30"},
            "OUTBOX_DELIVERY_TIMEOUT",
        ),
    ],
)
def test_a_bad_environment_stops_start_up_with_one_line_naming_the_variable(env, variable):
    result = manage("check", **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"configuration error: {variable}: ")
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check_without_a_warning():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        SMTP_HOST="smtp.example.com",
        SMTP_USER="shop",
        SMTP_PASS="secret",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_no_environment_at_all_is_a_working_development_shop():
    result = manage("check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_env_readers_parse_and_name_the_variable():
    env = Env({"A": " yes ", "B": "17", "C": "a, b,,c", "D": "x"})
    assert env.flag("A", default=False) is True
    assert env.flag("MISSING", default=True) is True
    assert env.number("B", 0) == 17
    assert env.items("C", []) == ["a", "b", "c"]
    with pytest.raises(EnvError, match="^B: expected a number from 0 to 10, got 17$"):
        env.number("B", 0, maximum=10)
    with pytest.raises(EnvError, match="^D: expected 1/0"):
        env.flag("D", default=False)
    with pytest.raises(EnvError, match="^NOPE: is required"):
        env.text("NOPE", required=True)


def test_seconds_may_be_decimal_and_are_bounded():
    env = Env({"T": " 0.25 ", "U": "soon", "V": "0.01", "W": "nan"})
    assert env.seconds("T", 5, minimum=0.1, maximum=120) == 0.25
    assert env.seconds("MISSING", 5, minimum=0.1, maximum=120) == 5
    with pytest.raises(EnvError, match="^U: expected a number of seconds, got 'soon'$"):
        env.seconds("U", 5, minimum=0.1, maximum=120)
    with pytest.raises(EnvError, match="^V: expected 0.1 to 120 seconds, got 0.01$"):
        env.seconds("V", 5, minimum=0.1, maximum=120)
    with pytest.raises(EnvError, match="^W: expected 0.1 to 120 seconds"):
        env.seconds("W", 5, minimum=0.1, maximum=120)


def test_database_url_defaults_to_sqlite_and_reads_postgres():
    sqlite = config.database(Env({}), "/tmp/shop.sqlite3")
    assert (sqlite["ENGINE"], sqlite["NAME"]) == ("django.db.backends.sqlite3", "/tmp/shop.sqlite3")
    pg = config.database(Env({"DATABASE_URL": "postgres://shop:pw@db:5432/shop"}), "unused")
    assert (pg["ENGINE"], pg["NAME"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql", "shop", "db", 5432,
    )  # fmt: skip
    with pytest.raises(EnvError, match="^DATABASE_URL: names no database"):
        config.database(Env({"DATABASE_URL": "postgres://db:5432"}), "unused")


def test_mail_is_console_by_default_smtp_with_a_host_and_an_esp_with_its_key():
    assert config.mailers(Env({}))["default"]["BACKEND"].endswith("console.EmailBackend")

    smtp = config.mailers(Env({"SMTP_HOST": "mail", "SMTP_PORT": "465", "SMTP_USER": "u",
                               "SMTP_PASS": "p"}))["default"]  # fmt: skip
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["OPTIONS"] | {"timeout": 0} == {
        "host": "mail", "port": 465, "username": "u", "password": "p",
        "use_ssl": True, "use_tls": False, "timeout": 0,
    }  # fmt: skip

    esp = config.mailers(Env({"POSTMARK_SERVER_TOKEN": "tok", "SMTP_HOST": "mail"}))["default"]
    assert esp == {
        "BACKEND": "anymail.backends.postmark.EmailBackend",
        "OPTIONS": {"server_token": "tok"},
    }
    with pytest.raises(EnvError, match="^SMTP_PASS: SMTP_USER and SMTP_PASS go together"):
        config.mailers(Env({"SMTP_HOST": "mail", "SMTP_USER": "u"}))
    with pytest.raises(EnvError, match="^SMTP_HOST: is required when SMTP_PORT is set"):
        config.mailers(Env({"SMTP_PORT": "25"}))


def test_stripe_keys_come_as_a_set_and_accept_the_vite_alias():
    assert config.stripe_keys(Env({})) == {"secret": None, "public": None, "webhook": None}
    keys = config.stripe_keys(
        Env(
            {
                "STRIPE_SECRET_KEY": "sk_test_1",
                "VITE_STRIPE_PUBLIC_KEY": "pk_test_1",
                "STRIPE_WEBHOOK_SECRET": "whsec_1",
            }
        )  # fmt: skip
    )
    assert keys == {"secret": "sk_test_1", "public": "pk_test_1", "webhook": "whsec_1"}
    with pytest.raises(EnvError, match="^STRIPE_SECRET_KEY: expected a value starting with sk_"):
        config.stripe_keys(Env({"STRIPE_SECRET_KEY": "pk_live_oops"}))
    with pytest.raises(EnvError, match="^STRIPE_WEBHOOK_SECRET: is required"):
        config.stripe_keys(Env({"STRIPE_SECRET_KEY": "sk_1", "STRIPE_PUBLIC_KEY": "pk_1"}))


def test_services_default_to_local_and_unknown_names_are_refused():
    assert config.services(Env({}), NAMES) == dict.fromkeys(NAMES, "local")
    with pytest.raises(EnvError, match="unknown services \\['shipping'\\]"):
        config.services(Env({"MICROSTORE_SERVICES": '{"shipping": "local"}'}), NAMES)
    with pytest.raises(EnvError, match="^MICROSTORE_SERVICES: is not valid JSON"):
        config.services(Env({"MICROSTORE_SERVICES": "{catalog: local}"}), NAMES)
