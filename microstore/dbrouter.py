"""One database per service: what `migrate` creates in the database of a process.

In the monolith (`MICROSTORE_ROLE` unset) the router has no opinion and everything is migrated,
exactly as without it. In a role, `migrate` creates that service's tables and the shared ones
(`microstore.topology`). Django still records every migration as applied, so adding a service's
tables later is a `migrate` in its own process, never a fix-up of another's.

The post-migrate handlers of Django's apps then find no table they may not write:

- auth's permissions (and sites' default Site) check the router for their own model and stop
  where their tables are absent, so only accounts' database gets permissions, the Site row and,
  for those, the content types of every model of the shop;
- content types are created for every installed app by default (the router is asked only about
  the ContentType model): `install()` narrows them, in a database without permissions, to the
  models whose tables it holds;
- the information pages' data migration (`microstore/migrations/0001`) writes only where
  flatpages and sites live.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.management import create_contenttypes
from django.db import router
from django.db.models.signals import post_migrate

from microstore import topology


def current_role() -> str:
    """The service this process runs; "" in the monolith."""
    return str(getattr(settings, "MICROSTORE_ROLE", "") or "")


class ServiceRouter:
    """DATABASE_ROUTERS entry: one database per process, holding only its service's tables."""

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        role = current_role()
        if not role:
            return None
        return topology.migrates(role, app_label)


def holds(using: str, model: Any) -> bool:
    """Whether the database `using` holds `model`'s table."""
    return bool(router.allow_migrate_model(using, model))


def create_own_contenttypes(app_config: Any, using: str = "default", **kwargs: Any) -> None:
    """Django's `create_contenttypes`, for the apps whose tables this database holds (or for
    every app where the permissions live, since each permission points at a content type)."""
    from django.contrib.auth.models import Permission

    role = current_role()
    if role and not holds(using, Permission) and not topology.migrates(role, app_config.label):
        return
    create_contenttypes(app_config, using=using, **kwargs)


def install() -> None:
    """Put `create_own_contenttypes` in the place of Django's handler (once, at start-up)."""
    post_migrate.disconnect(create_contenttypes)
    post_migrate.connect(create_own_contenttypes, dispatch_uid="microstore.dbrouter.contenttypes")
