from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from microstore.infopages import INFO_PAGES
from microstore.theme import THEME_COOKIE, theme_of

ASSETS = {
    "favicon": "img/favicon.svg",
    "app_css": "css/app.css",
    "catalog_css": "css/catalog.css",
    "accounts_css": "css/accounts.css",
    "cart_css": "css/cart.css",
    "orders_css": "css/orders.css",
    "payments_css": "css/payments.css",
    "theme_js": "js/theme.js",
    "app_js": "js/app.js",
    "htmx_js": "django_htmx/htmx-2.min.js",  # served by django-htmx's static files, no CDN
}
LINKS = ("catalog:home", "catalog:product-list", "admin:index", "accounts:profile",
         "account_login", "api-docs", "health", "set-theme", "orders:history",
         "ops:dashboard", "cart:detail", "cart:count")  # fmt: skip


@cache
def _layout() -> dict[str, Any]:
    """Asset and link URLs of the layout: constant for the life of the process, so resolved once
    instead of on every page (they were a third of the layout's rendering time)."""
    return {
        "assets": {name: static(path) for name, path in ASSETS.items()},
        "links": {name.replace(":", "_").replace("-", "_"): reverse(name) for name in LINKS},
        "info_pages": INFO_PAGES,  # the footer's links, without a query per page
    }


def shop(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: the shop's name, the theme, its URLs."""
    return {
        "site_name": settings.SITE_NAME,
        "theme": theme_of(request),
        "theme_cookie": THEME_COOKIE,
        **_layout(),
    }
