"""Service identity: every internal request is signed by its caller and checked by the server.

The signature is HMAC-SHA256, keyed with MICROSTORE_INTERNAL_SECRET, over the HTTP method, the
path, the calling service, a timestamp, a one-time nonce and the body's SHA-256: altering any of
them, or signing with another key, breaks it. The server refuses a timestamp outside
INTERNAL_MAX_AGE_SECONDS and a nonce it has already seen inside that window (kept in the cache,
which is shared by every process when it is Redis), so a captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)

CALLER = "X-Microstore-Caller"
TIMESTAMP = "X-Microstore-Timestamp"
NONCE = "X-Microstore-Nonce"
SIGNATURE = "X-Microstore-Signature"
SCHEME = "v1"
_NONCE_KEY = "internal:nonce:{}"


@dataclass(frozen=True)
class Refused(Exception):
    """Why a request's signature does not admit it: answered 401 with this code."""

    code: str
    message: str


def _mac(
    secret: str, method: str, path: str, caller: str, stamp: str, nonce: str, body: bytes
) -> str:
    digest = hashlib.sha256(body).hexdigest()
    message = "\n".join((SCHEME, method.upper(), path, caller, stamp, nonce, digest))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign(
    secret: str, *, method: str, path: str, caller: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    """The headers that prove `caller` sent exactly this request, now."""
    stamp = str(int(time.time() if now is None else now))
    nonce = secrets.token_urlsafe(16)
    mac = _mac(secret, method, path, caller, stamp, nonce, body)
    return {CALLER: caller, TIMESTAMP: stamp, NONCE: nonce, SIGNATURE: f"{SCHEME}={mac}"}


def verify(
    secret: str,
    headers: Mapping[str, str],
    *,
    method: str,
    path: str,
    body: bytes,
    max_age: int,
    now: float | None = None,
) -> str:
    """The calling service named by a valid signature; `Refused` otherwise."""
    caller = headers.get(CALLER, "")
    stamp = headers.get(TIMESTAMP, "")
    nonce = headers.get(NONCE, "")
    signature = headers.get(SIGNATURE, "")
    if not (caller and stamp and nonce and signature):
        raise Refused("unsigned", "internal calls must be signed by the calling service")
    scheme, _, mac = signature.partition("=")
    expected = _mac(secret, method, path, caller, stamp, nonce, body)
    if scheme != SCHEME or not hmac.compare_digest(mac.encode(), expected.encode()):
        raise Refused("bad_signature", "the signature does not match this request")
    current = time.time() if now is None else now
    if not stamp.isdigit() or abs(current - int(stamp)) > max_age:
        raise Refused("stale_signature", f"the request was signed outside the {max_age}s window")
    if not _first_sight(nonce, max_age):
        raise Refused("replayed", "this request was already received")
    return caller


def _first_sight(nonce: str, max_age: int) -> bool:
    try:
        return bool(cache.add(_NONCE_KEY.format(nonce), 1, timeout=2 * max_age))
    except Exception:  # the cache is away: the window still bounds a replay; say so and go on
        logger.warning("transport: nonce not checked, the cache is unavailable", exc_info=True)
        return True
