from typing import Any

from django.conf import settings
from django.http import HttpRequest

from microstore.theme import THEME_COOKIE, theme_of


def shop(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: the shop's name and the chosen theme."""
    return {
        "site_name": settings.SITE_NAME,
        "theme": theme_of(request),
        "theme_cookie": THEME_COOKIE,
    }
