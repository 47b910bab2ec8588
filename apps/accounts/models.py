from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = CustomerManager()  # type: ignore[misc]  # manager without username

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ("email",)

    def __str__(self) -> str:
        return self.email
