"""The gateway: every app's pages, its API under /api/v1/, health, metrics and docs."""

from typing import cast

from django.conf import settings
from django.contrib import admin
from django.contrib.flatpages.views import flatpage
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from microstore import api, health, infopages, metrics, theme, views

SERVICES = settings.SERVICE_NAMES

# Redoc styles itself inline and renders in a blob: worker; only this page allows that.
DOCS_CSP: dict[str, list[str]] = {
    **cast(dict[str, list[str]], settings.SECURE_CSP),
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": ["blob:"],
}
api_docs = csp_override(DOCS_CSP)(SpectacularRedocView.as_view(url_name="schema"))


api_v1: list[URLPattern | URLResolver] = [
    path("services/", api.ServiceListView.as_view(), name="services"),
    *(path("", include(f"apps.{name}.api.urls")) for name in SERVICES),
]

urlpatterns = [
    path("theme/", theme.set_theme, name="set-theme"),
    path("health/", health.HealthView.as_view(checks=health.checks()), name="health"),
    path("health/live", health.liveness, name="health-live"),
    path("health/ready", health.ReadinessView.as_view(checks=health.checks()), name="health-ready"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("ops/", include("microstore.ops.urls")),
    path("internal/", include("microstore.transport.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Staff-edited information pages: a flatpage's URL is its whole path (/pages/contact/).
    re_path(rf"^(?P<url>{infopages.PREFIX.strip('/')}/.+/)$", flatpage, name="info-page"),
    *(path("", include(f"apps.{name}.urls")) for name in SERVICES),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error

admin.site.site_header = f"{settings.SITE_NAME} staff"
admin.site.site_title = settings.SITE_NAME
