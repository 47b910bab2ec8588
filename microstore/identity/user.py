"""The signed-in user of a process without the user table: an identity from the accounts
contract that quacks like `django.contrib.auth` users where the shop asks.

What it answers is what templates, `@login_required`, DRF's authentication and permissions, and
the admin of this process's own models ask of `request.user`. It has no `save()`, groups or
`_meta`: nothing here may write a user (accounts owns them), and a call that tries fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterable

from contracts.accounts.dto import IdentityDTO


class ContractUser:
    """A user known from `accounts.identify`: authenticated, with their staff rights as
    "app_label.codename" strings. Permissions follow `ModelBackend`: an inactive user holds
    none, a superuser holds all, and there are no per-object permissions."""

    is_authenticated = True
    is_anonymous = False
    USERNAME_FIELD = "email"

    def __init__(self, identity: IdentityDTO) -> None:
        self.identity = identity
        self._permissions = frozenset(identity.permissions)

    @property
    def pk(self) -> int:
        return self.identity.id

    @property
    def id(self) -> int:
        return self.identity.id

    @property
    def email(self) -> str:
        return self.identity.email

    @property
    def is_active(self) -> bool:
        return self.identity.is_active

    @property
    def is_staff(self) -> bool:
        return self.identity.is_staff

    @property
    def is_superuser(self) -> bool:
        return self.identity.is_superuser

    def get_username(self) -> str:
        return self.identity.email

    def get_full_name(self) -> str:
        return self.identity.name

    def get_short_name(self) -> str:
        return self.identity.name

    def has_usable_password(self) -> bool:
        """The admin then links "Change password", which leads to the shop's own page."""
        return True

    def get_all_permissions(self, obj: object = None) -> set[str]:
        if not self.is_active or obj is not None:
            return set()
        return set(self._permissions)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        if self.is_active and self.is_superuser:
            return True
        return self.is_active and obj is None and perm in self._permissions

    def has_perms(self, perm_list: Iterable[str], obj: object = None) -> bool:
        if isinstance(perm_list, str):
            raise ValueError("perm_list must be an iterable of permissions.")
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.is_superuser:
            return True
        prefix = f"{app_label}."
        return self.is_active and any(p.startswith(prefix) for p in self._permissions)

    def __str__(self) -> str:
        return self.identity.email

    def __repr__(self) -> str:
        return f"<ContractUser {self.identity.id}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ContractUser) and other.identity.id == self.identity.id

    def __hash__(self) -> int:
        return hash(self.identity.id)
