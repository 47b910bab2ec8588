from allauth.account.apps import AccountConfig
from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    # allauth's own app is also called "Accounts": the admin's sidebar showed two.
    verbose_name = "Customers"
    default_auto_field = "django.db.models.BigAutoField"
    default = True


class SignInConfig(AccountConfig):
    """allauth's `account` app (its email addresses and confirmations), named for what staff
    find there. Installed as `apps.accounts.apps.SignInConfig` in place of `allauth.account`."""

    verbose_name = "Sign-in email addresses"
    default = False
