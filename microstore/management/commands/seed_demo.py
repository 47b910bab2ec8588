"""`manage.py seed_demo`: a believable shop to click through (idempotent).

In the split topology each process seeds what its own database holds: catalog its categories
and products, accounts the demo people and the information pages, the others nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.accounts.demo import seed_people
from apps.catalog.demo import seed_catalog
from microstore import topology
from microstore.dbrouter import current_role
from microstore.infopages import seed_info_pages


def _holds(app_label: str) -> bool:
    role = current_role()
    return not role or topology.migrates(role, app_label)


class Command(BaseCommand):
    help = (
        "Create demo categories, products with images and stock, two demo users and the "
        "information pages (contact, shipping, returns, privacy, terms)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-images", action="store_true", help="skip generating images")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {"categories": 0, "products": 0}
        if _holds("catalog"):
            counts = seed_catalog(with_images=not options["no_images"])
        people = seed_people() if _holds("accounts") else []
        pages = seed_info_pages() if _holds("flatpages") else 0
        self.stdout.write(
            f"Demo shop ready: {counts['categories']} new categories, "
            f"{counts['products']} new products, {pages} new information pages."
        )
        for role, email, password in people:
            self.stdout.write(f"  {role:8} {email}  password: {password}")
