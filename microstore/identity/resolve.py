"""From a session (or an API token) to a user, through the accounts contract, kept briefly.

The rules are Django's (`django.contrib.auth.get_user`): a session counts when its backend is
one of AUTHENTICATION_BACKENDS and accounts confirms its user id and auth hash; a session that
accounts refuses is flushed, exactly as Django flushes one whose hash no longer matches. The
answer, an identity or "no one", is cached under the user id and a digest of the hash (never the
hash itself), so a forged hash can never find the real session's entry. When accounts does not
answer, the request is served as anonymous and nothing is flushed or cached: the next request
asks again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpRequest

from contracts.accounts.dto import IdentityDTO
from contracts.accounts.service import accounts_service
from contracts.kernel import codec
from contracts.kernel.codec import DecodeError
from contracts.kernel.errors import ContractError, Unavailable
from microstore.identity import SHARED_CACHE
from microstore.identity.user import ContractUser

logger = logging.getLogger(__name__)
Answer = IdentityDTO | None
MAX_USER_ID = 2**63 - 1  # a BigAutoField


def request_user(request: HttpRequest) -> ContractUser | AnonymousUser:
    """The user of `request`'s session, resolved once per request."""
    if not hasattr(request, "_cached_user"):
        request._cached_user = session_user(request)  # type: ignore[attr-defined]  # as Django
    return request._cached_user  # type: ignore[attr-defined, no-any-return]


def session_user(request: HttpRequest) -> ContractUser | AnonymousUser:
    session = request.session
    try:
        raw_id = session[SESSION_KEY]
        backend = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    user_id = _user_id(raw_id)
    if backend not in settings.AUTHENTICATION_BACKENDS or user_id is None:
        return AnonymousUser()
    session_hash = session.get(HASH_SESSION_KEY)
    if not isinstance(session_hash, str) or not session_hash:
        session.flush()  # as Django: a session without its hash is worth nothing
        return AnonymousUser()
    try:
        identity = _cached(
            f"identity:session:{user_id}:{_digest(session_hash)}",
            lambda: accounts_service().identify(user_id, session_hash),
        )
    except ContractError:  # logged: nobody is signed in for this request, nothing decided
        return AnonymousUser()
    if identity is None or not identity.is_active:
        session.flush()
        return AnonymousUser()
    return ContractUser(identity)


def token_user(token: str) -> ContractUser | None:
    """The owner of an API token (None when no token has this key). Raises the ContractError
    (`Unavailable` when accounts did not answer) when accounts could not tell."""
    identity = _cached(
        f"identity:token:{_digest(token)}", lambda: accounts_service().identify_token(token)
    )
    return ContractUser(identity) if identity is not None else None


def _user_id(raw: object) -> int | None:
    try:
        user_id = int(str(raw))
    except ValueError:
        return None
    return user_id if 0 < user_id <= MAX_USER_ID else None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _cached(key: str, ask: Callable[[], Answer]) -> Answer:
    seconds = settings.IDENTITY_CACHE_SECONDS
    store = caches[SHARED_CACHE]
    if seconds:
        kept = store.get(key)
        if isinstance(kept, dict) and "identity" in kept:
            try:
                return codec.decode(kept["identity"], Answer, "identity")  # type: ignore[no-any-return]
            except DecodeError:
                pass  # written by another build: ask again
    try:
        answer = ask()
    except Unavailable as exc:
        logger.warning("accounts did not answer who is signed in: %s", exc)
        raise
    except ContractError as exc:
        logger.error("accounts refused to say who is signed in: %s", exc)
        raise
    if seconds:
        store.set(key, {"identity": codec.encode(answer, Answer)}, seconds)
    return answer
