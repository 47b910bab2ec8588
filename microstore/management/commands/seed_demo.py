"""`manage.py seed_demo`: a believable shop to click through (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.accounts.demo import seed_people
from apps.catalog.demo import seed_catalog
from microstore.infopages import seed_info_pages


class Command(BaseCommand):
    help = (
        "Create demo categories, products with images and stock, two demo users and the "
        "information pages (contact, shipping, returns, privacy, terms)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-images", action="store_true", help="skip generating images")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_catalog(with_images=not options["no_images"])
        people = seed_people()
        pages = seed_info_pages()
        self.stdout.write(
            f"Demo shop ready: {counts['categories']} new categories, "
            f"{counts['products']} new products, {pages} new information pages."
        )
        for role, email, password in people:
            self.stdout.write(f"  {role:8} {email}  password: {password}")
