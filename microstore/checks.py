"""System checks of the wiring, run by `manage.py check` and at start-up."""

from __future__ import annotations

from typing import Any

from django.core import checks

from contracts.kernel.registry import registry


@checks.register()
def every_service_bound(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    from microstore.bindings import FACADES

    missing = sorted(set(FACADES) - set(registry.bindings()))
    return [
        checks.Error(f"service {name!r} is not bound", id="microstore.E001") for name in missing
    ]


@checks.register()
def role_serves_only_its_service(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """In a role (MICROSTORE_ROLE), this process's database holds only its service's tables:
    every other service must be reached at its own process's address, and its own served here."""
    from django.conf import settings

    role = settings.MICROSTORE_ROLE
    if not role:
        return []
    errors: list[checks.CheckMessage] = []
    for name, kind in settings.MICROSTORE_SERVICES.items():
        in_process = kind in ("local", "loopback")
        if name == role and not in_process:
            errors.append(
                checks.Error(
                    f"MICROSTORE_ROLE is {role!r} but MICROSTORE_SERVICES binds {name!r} to "
                    f"{kind}: a service's own process binds it local",
                    id="microstore.E002",
                )
            )
        elif name != role and in_process:
            errors.append(
                checks.Error(
                    f"MICROSTORE_ROLE is {role!r} but MICROSTORE_SERVICES binds {name!r} "
                    f"{kind}: its tables are not in this database",
                    hint=f'bind it to its process\'s base URL, e.g. {{"{name}": "http://…"}}',
                    id="microstore.E003",
                )
            )
    return errors
