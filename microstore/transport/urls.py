"""`/internal/…`: contract calls between services (never routed by the public gateway).

Every address below `/internal/` goes to the transport, which checks the signature first and
then answers an unknown service or method with a 404 problem: no address here falls through to
Django's pages (in DEBUG, the technical 404 would list every route of the shop to anyone).
"""

from django.urls import re_path

from microstore.transport.server import internal_view

urlpatterns = [re_path(r"^(?P<path>.*)$", internal_view, name="internal")]
