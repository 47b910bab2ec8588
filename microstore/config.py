"""Building the settings that need more than one environment variable."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

from microstore.env import Env, EnvError

# Anymail ESPs we wire up: the variable holding the key, the backend, and its OPTIONS.
ESPS: dict[str, tuple[str, dict[str, str]]] = {
    "POSTMARK_SERVER_TOKEN": ("anymail.backends.postmark.EmailBackend", {"server_token": ""}),
    "SENDGRID_API_KEY": ("anymail.backends.sendgrid.EmailBackend", {"api_key": ""}),
    "MAILGUN_API_KEY": ("anymail.backends.mailgun.EmailBackend", {"api_key": ""}),
    "RESEND_API_KEY": ("anymail.backends.resend.EmailBackend", {"api_key": ""}),
}
SQLITE_SCHEMES = ("sqlite",)
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


def role(env: Env, names: tuple[str, ...]) -> str:
    """MICROSTORE_ROLE: the one service this process runs in the split topology; unset or empty,
    the monolith (every service, every table)."""
    name = env.optional("MICROSTORE_ROLE") or ""
    if name and name not in names:
        raise EnvError("MICROSTORE_ROLE", f"expected one of {', '.join(names)}, got {name!r}")
    return name


def split_sqlite_path(base_dir: Path, role: str) -> Path:
    """The development database of a service in the split topology: var/split/<role>.sqlite3."""
    return base_dir / "var" / "split" / f"{role}.sqlite3"


def database(env: Env, default_sqlite_path: str | Path) -> dict[str, Any]:
    """DATABASE_URL as a Django database; SQLite in the project folder when it is not set."""
    url = env.optional("DATABASE_URL")
    if url is None:
        # A service's own file (var/split/…) may be the first thing in its folder.
        Path(default_sqlite_path).parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{default_sqlite_path}"
    scheme = url.partition("://")[0]
    if scheme not in SQLITE_SCHEMES + POSTGRES_SCHEMES:
        raise EnvError("DATABASE_URL", f"expected postgres:// or sqlite://, got {scheme!r}://")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    except ValueError as exc:
        raise EnvError("DATABASE_URL", f"cannot be parsed ({exc})") from None
    if scheme in POSTGRES_SCHEMES:
        if not config.get("NAME"):
            raise EnvError("DATABASE_URL", "names no database (postgres://host/DBNAME)")
        config["CONN_MAX_AGE"] = env.number("DATABASE_CONN_MAX_AGE", 60, maximum=3600)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    else:
        # A writer waits for a lock instead of failing at once: the web process and the task
        # worker share the SQLite file in development.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    config["TEST"] = {"NAME": env.optional("DATABASE_TEST_NAME")}
    return config


def mailers(env: Env) -> dict[str, Any]:
    """Django 6.1 MAILERS: an anymail ESP when its key is set, SMTP_HOST, else the console."""
    for variable, (backend, options) in ESPS.items():
        key = env.optional(variable)
        if key:
            filled = dict.fromkeys(options, key)
            if variable == "MAILGUN_API_KEY" and env.has("MAILGUN_SENDER_DOMAIN"):
                filled["sender_domain"] = env.text("MAILGUN_SENDER_DOMAIN")
            return {"default": {"BACKEND": backend, "OPTIONS": filled}}
    host = env.optional("SMTP_HOST")
    if host:
        user, password = env.optional("SMTP_USER"), env.optional("SMTP_PASS")
        if bool(user) != bool(password):
            raise EnvError(
                "SMTP_PASS" if user else "SMTP_USER", "SMTP_USER and SMTP_PASS go together"
            )
        port = env.number("SMTP_PORT", 587, minimum=1, maximum=65535)
        use_ssl = port == 465
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": host,
                    "port": port,
                    "username": user or "",
                    "password": password or "",
                    "use_ssl": use_ssl,
                    "use_tls": env.flag("SMTP_STARTTLS", port == 587) and not use_ssl,
                    "timeout": env.number("SMTP_TIMEOUT", 10, minimum=1, maximum=300),
                },
            }
        }
    if env.has("SMTP_PORT"):
        env.number("SMTP_PORT", 587, minimum=1, maximum=65535)
        raise EnvError("SMTP_HOST", "is required when SMTP_PORT is set")
    return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}


def stripe_keys(env: Env) -> dict[str, str | None]:
    """Stripe keys: all three together, or none (the fake gateway)."""
    public = env.prefixed("STRIPE_PUBLIC_KEY", ("pk_",)) or env.prefixed(
        "VITE_STRIPE_PUBLIC_KEY", ("pk_",)
    )
    keys: dict[str, str | None] = {
        "secret": env.prefixed("STRIPE_SECRET_KEY", ("sk_", "rk_")),
        "public": public,
        "webhook": env.prefixed("STRIPE_WEBHOOK_SECRET", ("whsec_",)),
    }
    if keys["secret"]:
        if not keys["public"]:
            raise EnvError("STRIPE_PUBLIC_KEY", "is required when STRIPE_SECRET_KEY is set")
        if not keys["webhook"]:
            raise EnvError("STRIPE_WEBHOOK_SECRET", "is required when STRIPE_SECRET_KEY is set")
    elif keys["public"] or keys["webhook"]:
        raise EnvError("STRIPE_SECRET_KEY", "is required when the other Stripe keys are set")
    return keys


def services(env: Env, names: tuple[str, ...]) -> dict[str, str]:
    """MICROSTORE_SERVICES: a JSON object of service → binding, each `local` (the in-process
    facade), `loopback` (the facade through the codec, as over HTTP) or an http(s) base URL;
    every service defaults to local."""
    chosen = env.json_mapping("MICROSTORE_SERVICES")
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        raise EnvError(
            "MICROSTORE_SERVICES", f"names unknown services {unknown}; known: {list(names)}"
        )
    bindings = dict.fromkeys(names, "local")
    for name, value in chosen.items():
        if not isinstance(value, str):
            raise EnvError("MICROSTORE_SERVICES", f"the binding of {name!r} must be a string")
        if value not in ("local", "loopback") and not _base_url(value):
            raise EnvError(
                "MICROSTORE_SERVICES",
                f"{name!r} is bound to {value!r}: expected local, loopback or a base URL "
                "such as http://127.0.0.1:8101",
            )
        bindings[name] = value.rstrip("/") if _base_url(value) else value
    return bindings


def is_base_url(value: str) -> bool:
    """Is this binding a base URL (the service runs in another process)?"""
    return _base_url(value)


def shared_cache(
    env: Env, default_cache: dict[str, Any], *, split: bool, base_dir: str
) -> dict[str, Any]:
    """The `shared` cache: what every process of one shop reads alike (sessions and who is
    signed in, `microstore.identity`). Redis when REDIS_URL is set (the default cache then is
    Redis already); in a split shop without Redis, a directory of files that the processes of
    this machine share (SHARED_CACHE_DIR); in one process, the default cache itself."""
    if default_cache["BACKEND"].endswith("RedisCache") or not split:
        return dict(default_cache)
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.text("SHARED_CACHE_DIR", f"{base_dir}/var/shared-cache"),
        "TIMEOUT": 300,
        # Past MAX_ENTRIES the file cache drops a third of its entries at random: sessions
        # must not go that way (each write lists the directory: fine for one machine).
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }


def _base_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query


def internal_secret(env: Env, bindings: dict[str, str]) -> str:
    """MICROSTORE_INTERNAL_SECRET: the key every internal call is signed with (HMAC-SHA256).

    Required once a service is bound to a URL. Without it, this process signs with a random key
    of its own: its services still answer its own `loopback` calls, and nobody else gets in."""
    secret = env.optional("MICROSTORE_INTERNAL_SECRET")
    if secret is None:
        remote = sorted(name for name, kind in bindings.items() if _base_url(kind))
        if remote:
            raise EnvError(
                "MICROSTORE_INTERNAL_SECRET",
                f"is required when a service is bound to a URL ({', '.join(remote)})",
            )
        return secrets.token_urlsafe(48)
    if len(secret) < 32 or len(set(secret)) < 8:
        raise EnvError("MICROSTORE_INTERNAL_SECRET", "must be at least 32 random characters")
    return secret


def metrics_token(env: Env) -> str | None:
    """METRICS_TOKEN: lets a scraper read /metrics without a staff session (optional)."""
    token = env.optional("METRICS_TOKEN")
    if token is not None and (len(token) < 16 or not token.isascii() or " " in token):
        raise EnvError("METRICS_TOKEN", "expected at least 16 ASCII characters without spaces")
    return token
