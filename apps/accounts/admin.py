from typing import cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts import selectors, services
from apps.accounts.models import Address, User


class EmailVerifiedFilter(admin.SimpleListFilter):
    title = _("email verified")
    parameter_name = "email_verified"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(email_verified=self.value() == "yes")
        return queryset


class AddressInline(admin.StackedInline[Address, User]):
    """Staff may correct a typo; adding, removing and the default follow the customer's rules,
    so they stay with the customer (see apps.accounts.services)."""

    model = Address
    extra = 0
    can_delete = False
    fields = (
        ("label", "is_default"),
        "full_name",
        ("line1", "line2"),
        ("postal_code", "city"),
        ("region", "country"),
        "phone",
    )
    readonly_fields = ("is_default",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "email_verified",
        "is_active",
        "is_staff",
        "date_joined",
    )
    list_filter = (EmailVerifiedFilter, "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    actions = ("deactivate", "activate")
    inlines = (AddressInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return selectors.customers_with_verification(super().get_queryset(request))

    @admin.display(boolean=True, description=_("email verified"), ordering="email_verified")
    def email_verified(self, obj: User) -> bool:
        return bool(getattr(obj, "email_verified", False))

    @admin.action(description=_("Deactivate selected customers (they can no longer sign in)"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        changed = self._set_active(request, ids, is_active=False)
        self._report(request, changed, str(_("deactivated")))
        if request.user.pk in ids:
            self.message_user(request, _("Your own account stays active."), messages.WARNING)

    @admin.action(description=_("Activate selected customers"))
    def activate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        changed = self._set_active(request, ids, is_active=True)
        self._report(request, changed, str(_("activated")))

    def _set_active(self, request: HttpRequest, ids: list[int], *, is_active: bool) -> int:
        staff = cast(User, request.user)  # only signed-in staff get this far
        return services.customers_set_active(customer_ids=ids, is_active=is_active, by=staff)

    def _report(self, request: HttpRequest, changed: int, verb: str) -> None:
        message = ngettext("%(count)d customer %(verb)s.", "%(count)d customers %(verb)s.", changed)
        self.message_user(request, message % {"count": changed, "verb": verb}, messages.SUCCESS)
