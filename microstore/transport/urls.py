"""`/internal/…`: contract calls between services (never routed by the public gateway)."""

from django.urls import re_path

from microstore.transport.server import internal_view

urlpatterns = [re_path(r"^(?P<path>[a-z_]+/[a-z_]+)$", internal_view, name="internal")]
