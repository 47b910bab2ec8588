from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from contracts.kernel.address import ADDRESS_PART

# Loose on purpose: formats differ by country; we keep what a courier can dial.
validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 ().-]{4,30}$",
    _("Enter a phone number: digits, spaces and + ( ) - . only."),
    code="phone",
)


def _part(name: str) -> dict[str, Any]:
    part = ADDRESS_PART[name]
    return {"verbose_name": part.label, "max_length": part.max_length, "blank": not part.required}


class CustomerManager(UserManager["User"]):
    """Users are created by email; there is no username."""

    def _create_user_by_email(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("an email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]  # email replaces username
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user_by_email(email, password, **extra)

    def create_superuser(  # type: ignore[override]  # email replaces username
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not (extra["is_staff"] and extra["is_superuser"]):
            raise ValueError("a superuser must have is_staff and is_superuser")
        return self._create_user_by_email(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: shopper or staff. The email address is the login."""

    username = None  # type: ignore[assignment]  # email is the login
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = CustomerManager()  # type: ignore[misc]  # manager without username

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ("email",)

    def __str__(self) -> str:
        return self.email


class Address(models.Model):
    """One postal address in a customer's book. Exactly one is the default while any exist."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(_("label"), max_length=50, help_text=_("For example Home or Work."))
    # The postal parts come from the one table every address form is built from.
    full_name = models.CharField(**_part("full_name"))
    line1 = models.CharField(**_part("line1"))
    line2 = models.CharField(**_part("line2"))
    city = models.CharField(**_part("city"))
    postal_code = models.CharField(**_part("postal_code"))
    region = models.CharField(**_part("region"))
    # The code is stored (two letters, as before); reading it gives a django-countries Country.
    country = CountryField(ADDRESS_PART["country"].label)
    phone = models.CharField(**_part("phone"), validators=[validate_phone])
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ("-is_default", "-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="accounts_address_one_default_per_user",
                violation_error_message=_("This customer already has a default address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.line1}, {self.city}"
