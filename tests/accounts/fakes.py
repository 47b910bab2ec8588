"""A fake of the accounts contract's identity methods, for tests of a process that asks accounts
who is signed in (tests/contracts/test_accounts_identity.py runs the same conformance suite on
it as on the facade). It holds no address book: it knows only what `put` told it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.utils.crypto import constant_time_compare

from contracts.accounts import service as accounts_contract
from contracts.accounts.dto import IdentityDTO
from contracts.kernel.service import ServiceHealth


@dataclass
class FakeAccounts:
    """Users known by their identity, the session auth hash their password gives and their API
    token. `calls` records every question asked (to prove what a caller caches)."""

    identities: dict[int, IdentityDTO] = field(default_factory=dict)
    hashes: dict[int, str] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def health(self) -> ServiceHealth:
        return ServiceHealth(accounts_contract.SERVICE, accounts_contract.VERSION, ok=True)

    def put(self, identity: IdentityDTO, *, session_auth_hash: str, token: str = "") -> None:
        """Know (or know anew) a user: their identity, their current hash and token."""
        self.identities[identity.id] = identity
        self.hashes[identity.id] = session_auth_hash
        if token:
            self.tokens[token] = identity.id

    def remove(self, user_id: int) -> None:
        """The user was deleted (their tokens with them)."""
        self.identities.pop(user_id, None)
        self.hashes.pop(user_id, None)
        self.tokens = {key: owner for key, owner in self.tokens.items() if owner != user_id}

    def identify(self, user_id: int, session_auth_hash: str) -> IdentityDTO | None:
        self.calls.append(f"identify {user_id}")
        identity = self.identities.get(user_id)
        if identity is None or not identity.is_active or not session_auth_hash:
            return None
        if not constant_time_compare(session_auth_hash, self.hashes[user_id]):
            return None
        return identity

    def identify_token(self, token: str) -> IdentityDTO | None:
        self.calls.append("identify_token")
        owner = self.tokens.get(token)
        if owner is None:
            return None
        identity = self.identities[owner]
        return identity if identity.is_active else replace(identity, permissions=())
