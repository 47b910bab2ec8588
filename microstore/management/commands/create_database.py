"""`manage.py create_database`: create the PostgreSQL database DATABASE_URL names, if missing.

The image's `web` role runs it before `migrate` in a split container (MICROSTORE_ROLE set), whose
DATABASE_URL names its service's own database (`microstore_catalog`) on the shared server.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microstore.split import create_database, is_postgres


class Command(BaseCommand):
    help = (
        "Create the PostgreSQL database that DATABASE_URL names when it does not exist (on the "
        "same server, with the same credentials); nothing to do for SQLite."
    )
    requires_system_checks: list[str] = []  # before migrate: nothing to check yet

    def handle(self, *args: Any, **options: Any) -> None:
        url = os.environ.get("DATABASE_URL", "")
        if not is_postgres(url):
            self.stdout.write("DATABASE_URL is not PostgreSQL: nothing to create")
            return
        import dj_database_url
        import psycopg

        name = dj_database_url.parse(url)["NAME"]
        try:
            created = create_database(url)
        except psycopg.Error as exc:
            raise CommandError(f"cannot create the database of DATABASE_URL: {exc}") from None
        self.stdout.write(f"created database {name}" if created else f"database {name} exists")
