"""docker-compose.yml's split profile and the image's entrypoint roles for it, checked without a
Docker engine: the compose file read as compose reads it (YAML merge keys, `${VAR:-default}`),
the entrypoint run here with a split container's environment, and the gateway config it writes
checked by a real `nginx -t`."""

from __future__ import annotations

import functools
import json
import os
import re
import runpy
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.db import connections

from microstore import split, topology

ROOT = Path(__file__).resolve().parents[2]
SERVICES = topology.SERVICE_NAMES
# What a user's .env holds.
DOT_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
    "MICROSTORE_INTERNAL_SECRET": secrets.token_urlsafe(48),
}
VARIABLE = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


@functools.cache
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def interpolate(value: str, env: dict[str, str]) -> str:
    """`${NAME}`, `${NAME:-default}` and `${NAME:?message}` as compose substitutes them."""

    def substitute(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        if env.get(name):
            return env[name]
        if operator == "?":
            raise LookupError(f"{name}: {argument}")
        return argument or ""

    return VARIABLE.sub(substitute, value)


def environment(service: str, env: dict[str, str]) -> dict[str, str]:
    return {k: interpolate(str(v), env) for k, v in services()[service]["environment"].items()}


def split_services() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services().items() if "split" in s.get("profiles", [])}


def test_the_default_profile_is_still_the_monolith():
    default = {name: s for name, s in services().items() if not s.get("profiles")}

    assert set(default) == {"web", "worker", "db", "redis"}
    assert default["web"]["ports"] == ["8000:8000"]
    for name in ("web", "worker"):
        env = default[name]["environment"]
        assert "MICROSTORE_ROLE" not in env
        assert "MICROSTORE_SERVICES" not in env
        assert env["DATABASE_URL"] == "postgres://microstore:microstore@db:5432/microstore"
    assert set(split_services()) == {
        *SERVICES,
        *(f"{name}-worker" for name in SERVICES),
        "gateway-config",
        "gateway",
    }


def test_no_variable_of_the_split_is_required_where_compose_checks_every_profile():
    """Compose substitutes the whole file before it picks the profiles: a `${VAR:?}` of the split
    would stop `docker compose up` of the monolith. The entrypoint checks the secret instead."""
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text()))

    assert required == {"DJANGO_SECRET_KEY"}
    for name in SERVICES:
        assert services()[name]["environment"]["MICROSTORE_INTERNAL_SECRET"] == (
            "${MICROSTORE_INTERNAL_SECRET:-}"
        )


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_its_role_on_its_own_database_and_reaches_the_others_by_name(name):
    web, worker = services()[name], services()[f"{name}-worker"]
    monolith_db = services()["web"]["environment"]["DATABASE_URL"]
    env = environment(name, DOT_ENV)

    assert (web["command"], worker["command"]) == (["web"], ["worker"])
    assert worker["environment"] == web["environment"]
    assert env["MICROSTORE_ROLE"] == name
    assert json.loads(env["MICROSTORE_SERVICES"]) == {
        other: "local" if other == name else f"http://{other}:8000" for other in SERVICES
    }
    assert env["DATABASE_URL"] == split.postgres_url_for(monolith_db, name)
    assert env["MICROSTORE_INTERNAL_SECRET"] == DOT_ENV["MICROSTORE_INTERNAL_SECRET"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert {*SERVICES, "127.0.0.1"} <= set(env["DJANGO_ALLOWED_HOSTS"].split(","))
    assert (env["GUNICORN_WORKER_CLASS"], env["GUNICORN_THREADS"]) == (
        "gthread",
        str(split.WEB_THREADS),
    )
    infra = {"db": {"condition": "service_healthy"}, "redis": {"condition": "service_started"}}
    assert web["depends_on"] == infra
    assert worker["depends_on"] == {**infra, name: {"condition": "service_healthy"}}
    assert "/health/live" in " ".join(web["healthcheck"]["test"])
    assert "ports" not in web  # only the gateway is published


def test_every_service_has_a_database_of_its_own():
    urls = [services()[name]["environment"]["DATABASE_URL"] for name in SERVICES]

    assert len(set(urls)) == len(SERVICES)


def test_the_gateway_reads_the_config_the_image_writes_from_the_code():
    generator, gateway = services()["gateway-config"], services()["gateway"]
    env = environment("gateway-config", DOT_ENV)
    volume, _, written_in = generator["volumes"][0].partition(":")
    config = gateway["command"][gateway["command"].index("-c") + 1]

    assert generator["command"] == ["gateway-config"]
    assert json.loads(env["MICROSTORE_SERVICES"]) == {n: f"http://{n}:8000" for n in SERVICES}
    assert env["GATEWAY_RESOLVER"] == "127.0.0.11"  # Docker's DNS
    assert Path(env["GATEWAY_CONFIG"]).parent == Path(written_in)
    assert f"{volume}:{Path(config).parent}:ro" in gateway["volumes"]
    assert gateway["depends_on"]["gateway-config"] == {
        "condition": "service_completed_successfully"
    }
    for name in SERVICES:
        assert gateway["depends_on"][name] == {"condition": "service_healthy"}
        assert gateway["depends_on"][f"{name}-worker"] == {"condition": "service_started"}
    assert gateway["ports"] == ["8080:8000"]


def entrypoint(role: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """docker/entrypoint.sh as the image runs it: DJANGO_DEBUG=0 and the container's env only."""
    base = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_DEBUG": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(  # noqa: S603  # our own entrypoint
        ["/bin/sh", str(ROOT / "docker" / "entrypoint.sh"), role],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_entrypoint_writes_a_gateway_config_that_nginx_accepts(tmp_path):
    out = tmp_path / "volume" / "nginx.conf"
    env = {**environment("gateway-config", DOT_ENV), "GATEWAY_CONFIG": str(out)}

    done = entrypoint("gateway-config", env)

    assert done.returncode == 0, done.stdout + done.stderr
    conf = out.read_text()
    assert "listen 0.0.0.0:8000;" in conf
    assert "resolver 127.0.0.11 valid=10s ipv6=off;" in conf
    assert "set $microstore_upstream_catalog catalog:8000;" in conf
    assert not (tmp_path / "volume" / "nginx.conf.tmp").exists()
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        pytest.skip("nginx is not installed (apt-get install nginx): the config was not tested")
    # The compose names do not resolve here, and need not: they are looked up per request.
    checked = subprocess.run(  # noqa: S603  # nginx -t on our config
        [nginx, "-t", "-e", "stderr", "-p", f"{tmp_path}/", "-c", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@pytest.mark.parametrize("role", ["web", "worker", "gateway-config"])
def test_a_split_container_without_the_secret_stops_saying_where_it_goes(role):
    env = environment("cart", {"DJANGO_SECRET_KEY": DOT_ENV["DJANGO_SECRET_KEY"]})

    done = entrypoint(role, env)

    assert done.returncode == 64
    assert "MICROSTORE_INTERNAL_SECRET is not set" in done.stderr
    assert ".env next to docker-compose.yml" in done.stderr


def test_the_split_serves_with_gthread_workers_and_the_monolith_keeps_sync(monkeypatch):
    conf = str(ROOT / "microstore" / "gunicorn_conf.py")
    monkeypatch.delenv("GUNICORN_WORKER_CLASS", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    monolith = runpy.run_path(conf)
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "gthread")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    service = runpy.run_path(conf)

    assert (monolith["worker_class"], monolith["threads"]) == ("sync", 1)
    assert (service["worker_class"], service["threads"]) == ("gthread", 8)


def test_a_split_container_creates_its_database_once(monkeypatch, capsys):
    if connections["default"].vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a SQLite file is created by connecting to it")
    import psycopg

    base = connections["default"].settings_dict
    name = f"i12_compose_{secrets.token_hex(4)}"
    server = {"host": base["HOST"] or None, "port": base["PORT"] or None, "user": base["USER"]}
    url = f"postgres://{base['USER']}:{base['PASSWORD']}@{base['HOST']}:{base['PORT']}/{name}"
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        call_command("create_database")
        call_command("create_database")
        assert capsys.readouterr().out.splitlines() == [
            f"created database {name}",
            f"database {name} exists",
        ]
    finally:
        with psycopg.connect(
            dbname="postgres", password=base["PASSWORD"] or None, autocommit=True, **server
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
