"""The accounts REST API, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from apps.accounts.api.views import TokenView

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenView.as_view(), name="token"),
]
