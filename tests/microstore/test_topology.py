"""The split topology (microstore/topology.py): every table and every address has one owner,
MICROSTORE_ROLE is read like every setting, and a role's admin answers only for its models."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core import checks
from django.core.management import call_command
from django.test import override_settings
from django.urls import path

from microstore import config, split_admin, topology
from microstore import urls as shop_urls
from microstore.checks import role_serves_only_its_service
from microstore.env import Env, EnvError


def test_every_app_with_tables_is_placed_once_in_a_service_or_shared():
    with_tables = {c.label for c in apps.get_app_configs() if list(c.get_models())}
    placed = [label for s in topology.SERVICES.values() for label in s.apps]

    assert len(placed) == len(set(placed))
    assert not set(placed) & set(topology.SHARED_APPS)
    assert with_tables <= set(placed) | set(topology.SHARED_APPS)
    assert set(placed) <= {c.label for c in apps.get_app_configs()}
    assert tuple(topology.SERVICES) == settings.SERVICE_NAMES


ADMIN = "django.contrib.admin.sites.AdminSite"
CHANGELIST = "django.contrib.admin.options.ModelAdmin.changelist_view"


@pytest.mark.parametrize(
    ("path", "view", "owner"),
    [
        ("", "apps.catalog.views.home", "catalog"),
        ("p/", "apps.catalog.views.product_detail", "catalog"),
        ("api/v1/products/", "apps.catalog.api.views.ProductViewSet", "catalog"),
        ("cart/add/", "apps.cart.views.add", "cart"),
        ("checkout/", "apps.orders.views.checkout", "orders"),
        ("webhooks/stripe/", "apps.payments.webhooks.stripe_webhook", "payments"),
        ("accounts/login/", "allauth.account.views.LoginView", "accounts"),
        ("pages/", "django.contrib.flatpages.views.flatpage", "accounts"),
        ("admin/", f"{ADMIN}.index", "accounts"),
        ("admin/login/", f"{ADMIN}.login", "accounts"),
        ("admin/orders/order/", CHANGELIST, "orders"),
        ("admin/catalog/product/import/", "apps.catalog.admin.ProductAdmin.import_view", "catalog"),
        ("admin/outbox/delivery/", CHANGELIST, "accounts"),
        ("admin/auth/group/", CHANGELIST, "accounts"),
        ("ops/", "microstore.ops.views.dashboard", "catalog"),
        ("health/", "microstore.health.HealthView", "catalog"),
        ("api/schema/", "drf_spectacular.views.SpectacularAPIView", "catalog"),
        ("media/", "django.views.static.serve", "catalog"),
        ("internal/", "microstore.transport.server.internal_view", topology.INTERNAL),
    ],
)
def test_each_address_has_the_owner_the_architecture_names(path, view, owner):
    assert topology.route_owner(path, view) == owner


def test_the_role_comes_from_the_environment_and_unset_is_the_monolith():
    names = topology.SERVICE_NAMES

    assert config.role(Env({}), names) == ""
    assert config.role(Env({"MICROSTORE_ROLE": " "}), names) == ""
    assert config.role(Env({"MICROSTORE_ROLE": "orders"}), names) == "orders"
    with pytest.raises(EnvError, match="MICROSTORE_ROLE: expected one of catalog, accounts"):
        config.role(Env({"MICROSTORE_ROLE": "shop"}), names)
    assert settings.MICROSTORE_ROLE == ""


def test_a_role_must_reach_every_other_service_at_its_own_address():
    remote = {name: f"http://127.0.0.1:{8101 + i}" for i, name in enumerate(settings.SERVICE_NAMES)}

    with override_settings(MICROSTORE_ROLE="cart", MICROSTORE_SERVICES={**remote, "cart": "local"}):
        assert role_serves_only_its_service(None) == []
    with override_settings(MICROSTORE_ROLE="cart", MICROSTORE_SERVICES=remote):
        [own] = role_serves_only_its_service(None)
    bound_here = {**remote, "cart": "local", "orders": "loopback"}
    with override_settings(MICROSTORE_ROLE="cart", MICROSTORE_SERVICES=bound_here):
        [other] = role_serves_only_its_service(None)

    assert (own.id, own.level) == ("microstore.E002", checks.ERROR)
    assert other.id == "microstore.E003"
    assert "'orders' loopback: its tables are not in this database" in other.msg


def test_the_monolith_has_no_role_to_check():
    assert role_serves_only_its_service(None) == []


# The admin of a role, on a site of its own with the shop's registrations (the shop's own
# admin.site stays the monolith's).
role_site = admin.AdminSite(name="role_admin")
for model, model_admin in admin.site._registry.items():
    role_site.register(model, type(model_admin))
split_admin.install("catalog", role_site)
urlpatterns = [
    path("admin/", role_site.urls),
    *(p for p in shop_urls.urlpatterns if str(p.pattern) != "admin/"),
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_roles_admin_answers_for_its_own_models_only(admin_client):
    own = admin_client.get("/admin/catalog/product/")
    elsewhere = admin_client.get("/admin/orders/order/")
    elsewhere_detail = admin_client.get("/admin/orders/order/1/change/")

    assert own.status_code == 200
    assert elsewhere.status_code == 404
    assert elsewhere_detail.status_code == 404
    assert role_site._registry[apps.get_model("catalog", "Product")].view_on_site is not True


@pytest.mark.django_db
def test_the_monolith_admin_answers_for_every_model(admin_client):
    assert admin_client.get("/admin/orders/order/").status_code == 200
    assert admin_client.get("/admin/catalog/product/").status_code == 200
    assert admin.site._registry[apps.get_model("catalog", "Product")].view_on_site is True


@pytest.mark.django_db
def test_seed_demo_in_a_role_seeds_only_what_its_database_holds(capsys):
    from apps.catalog.models import Product

    with override_settings(MICROSTORE_ROLE="orders"):
        call_command("seed_demo", "--no-images")

    assert "0 new categories, 0 new products, 0 new information pages" in capsys.readouterr().out
    assert not Product.objects.exists()
