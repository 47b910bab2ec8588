"""The shopper's colour theme: light, dark or the system's, remembered in a cookie.

The server renders the chosen theme into <html data-theme>, so the first paint is already right
(no flash of the wrong theme); the small script in static/js/theme.js switches it in place.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

THEME_COOKIE = "theme"
THEMES = ("system", "light", "dark")
ONE_YEAR = 365 * 24 * 3600


def theme_of(request: HttpRequest) -> str:
    value = request.COOKIES.get(THEME_COOKIE, "system")
    return value if value in THEMES else "system"


@require_POST
def set_theme(request: HttpRequest) -> HttpResponse:
    """Remember the theme; back to the page for a plain form, 204 for a script."""
    theme = request.POST.get("theme", "")
    if theme not in THEMES:
        return HttpResponse("Unknown theme.", status=400, content_type="text/plain")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    wants_script = request.headers.get("X-Requested-With") == "fetch"
    response = HttpResponse(status=204) if wants_script else HttpResponseRedirect(target)
    response.set_cookie(
        THEME_COOKIE, theme, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure()
    )
    return response
