"""Who is signed in, in a process that does not have the users (ARCHITECTURE.md, "Identity").

accounts owns the users. In the monolith, and in the accounts process itself, Django's own
authentication reads them as always. In every other process of a split shop (accounts bound to a
base URL, so `settings.IDENTITY_REMOTE`):

- the session lives in a store every process shares (the `shared` cache: Redis when
  `REDIS_URL` is set, else a directory of files on this machine, `SHARED_CACHE_DIR`), so the
  session that the accounts process wrote at sign-in is the one every process reads;
- `request.user` is resolved from that session's user id and auth hash through the accounts
  contract (`accounts_service().identify`), which checks the hash as Django would, and the answer
  (an identity, or "no one") is kept in the shared cache for `IDENTITY_CACHE_SECONDS`;
- the user is a `ContractUser`: what pages, `@login_required`, DRF and the admin ask of a user,
  with the staff rights carried as permission strings;
- API tokens are resolved through the contract too (`identify_token`), cached alike;
- the admin logs its actions through `logging` (logger `microstore.admin`) by staff id, since
  `LogEntry` points at the user table, and sends staff to the shop's sign-in page.

Signing out anywhere deletes the shared session: every process sees it at once. A password
change, deactivation or deletion ends the user's other sessions everywhere within
`IDENTITY_CACHE_SECONDS` (the cached answer's lifetime).
"""

from __future__ import annotations

from django.conf import settings

SHARED_CACHE = "shared"


def remote() -> bool:
    """Is `request.user` resolved through the accounts contract in this process?"""
    return bool(settings.IDENTITY_REMOTE)
