"""The store every process of a split shop shares: sessions and identities (microstore.identity).

One process keeps its sessions in the database as it always did; once a service is bound to a
URL, sessions live in the `shared` cache only: Redis when REDIS_URL is set, else a directory of
files that every process on the machine reads.
"""

from __future__ import annotations

import secrets

from microstore import config
from microstore.env import Env
from tests.microstore.test_settings import manage

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://r:6379/0"}


def test_one_process_shares_its_default_cache():
    assert config.shared_cache(Env({}), LOCMEM, split=False, base_dir="/shop") == LOCMEM


def test_a_split_shop_with_redis_shares_redis():
    assert config.shared_cache(Env({}), REDIS, split=True, base_dir="/shop") == REDIS


def test_a_split_shop_without_redis_shares_a_directory_that_keeps_every_session():
    default = config.shared_cache(Env({}), LOCMEM, split=True, base_dir="/shop")
    chosen = config.shared_cache(
        Env({"SHARED_CACHE_DIR": "/run/shop"}), LOCMEM, split=True, base_dir="/shop"
    )

    assert default["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert (default["LOCATION"], chosen["LOCATION"]) == ("/shop/var/shared-cache", "/run/shop")
    assert default["OPTIONS"]["MAX_ENTRIES"] >= 100_000  # never culled at Django's 300


WRITE = """
from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore
assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache", settings.SESSION_ENGINE
assert settings.IDENTITY_REMOTE
store = SessionStore()
store["_auth_user_id"] = "7"
store.save()
print(store.session_key)
"""
READ = """
import sys
from django.contrib.sessions.backends.cache import SessionStore
print(SessionStore(sys.argv[-1]).get("_auth_user_id"))
"""


def test_a_session_written_by_one_process_is_read_by_another(tmp_path):
    split = {
        "MICROSTORE_SERVICES": '{"accounts": "http://127.0.0.1:9"}',
        "MICROSTORE_INTERNAL_SECRET": secrets.token_urlsafe(40),
        "SHARED_CACHE_DIR": str(tmp_path),
    }

    written = manage("shell", "-c", WRITE, **split)
    assert written.returncode == 0, written.stderr
    key = written.stdout.strip().splitlines()[-1]
    read = manage("shell", "-c", READ.replace("sys.argv[-1]", repr(key)), **split)

    assert read.returncode == 0, read.stderr
    assert read.stdout.strip().splitlines()[-1] == "7"
    assert any(tmp_path.iterdir())  # in the directory, not in either process's memory
