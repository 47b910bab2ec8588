"""django.contrib.admin, its site being `microstore.identity.admin.ShopAdminSite`."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin (same label, templates and autodiscovery), with `ShopAdminSite` as
    `admin.site`."""

    default_site = "microstore.identity.admin.ShopAdminSite"
