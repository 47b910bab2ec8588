"""Demo people: one staff member and one shopper, both verified, with known passwords."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from apps.accounts.models import User

STAFF = ("staff@microstore.test", "staff-demo-pass")
SHOPPER = ("shopper@microstore.test", "shopper-demo-pass")


def seed_people() -> list[tuple[str, str, str]]:
    """Create (or reset the passwords of) the demo users; returns (role, email, password)."""
    people = []
    for role, (email, password), staff in (("staff", STAFF, True), ("shopper", SHOPPER, False)):
        user, _ = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": role.title(),
                "last_name": "Demo",
                "is_staff": staff,
                "is_superuser": staff,
            },  # fmt: skip
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        people.append((role, email, password))
    return people
