"""The admin's sidebar names each app once: ours and allauth's were both "Accounts"."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_every_app_has_its_own_name_in_the_sidebar(admin_client):
    names = [app["name"] for app in admin_client.get("/admin/").context["app_list"]]
    assert len(names) == len(set(names)), names
    assert {"Customers", "Sign-in email addresses"} <= set(names)
