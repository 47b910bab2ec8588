"""Nothing outside an app reads its tables (issue 12, "Data"): no code of one app, nor of the
composition root, reaches the models of another of our apps; it asks that service's contract.
(An app's own migrations reach its own models through their `apps` argument: that is fine.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.architecture.boundaries import model_reaches

ROOT = Path(__file__).resolve().parents[2]


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_no_code_reaches_the_models_of_another_of_our_apps():
    found = []
    for top in ("apps", "microstore"):
        for path in sorted((ROOT / top).rglob("*.py")):
            found += model_reaches(path.read_text(encoding="utf-8"), module=module_of(path))

    assert found == [], "ask the owning service's contract instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("microstore.ops.figures", "from apps.orders.models import Order"),
        ("microstore.ops.figures", "from apps.orders import models"),
        ("microstore.ops.figures", "from apps.orders import models as orders"),
        ("microstore.ops.figures", "import apps.orders.models"),
        ("microstore.ops.figures", "import apps.orders.models.lines as lines"),
        ("microstore.ops.figures", "apps.get_model('orders', 'Order')"),
        ("microstore.ops.figures", "apps.get_model(app_label='orders', model_name='Order')"),
        ("microstore.ops.figures", "get_model('orders.Order')"),
        ("microstore.ops.figures", "django_apps.get_app_config('catalog').get_models()"),
        ("microstore.ops.figures", "apps.get_model(label)"),  # nobody can check it
        ("microstore.ops.figures", "import_module('apps.payments.models')"),
        ("microstore.ops.figures", "import_string('apps.payments.models.Payment')"),
        ("microstore.ops.figures", "User = get_user_model()"),
        ("apps.cart.middleware", "from apps.accounts.models import User"),
        ("apps.cart.middleware", "from ..orders.models import Order"),
        ("apps.orders.services.__init__", "from ...catalog import models"),
        (
            "apps.orders.migrations.0009_x",
            "def f(apps, schema):\n    apps.get_model('catalog', 'Product')",
        ),
    ],
)
def test_the_finder_catches_a_planted_reach(module, source):
    found = model_reaches(f"{source}\n", module=module)

    assert len(found) == 1, found
    assert found[0].startswith(f"{module}:")


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("apps.orders.migrations.0001_initial", "apps.get_model('orders', 'Order')"),
        ("apps.orders.views", "from apps.orders.models import Order"),
        ("apps.orders.services.__init__", "from ..models import Order"),
        ("apps.orders.services.checkout", "from .. import models"),
        ("apps.accounts.selectors", "User = get_user_model()"),
        ("microstore.ops.figures", "from microstore.outbox.models import Delivery"),
        ("microstore.ops.figures", "from django_tasks_db.models import DBTaskResult"),
        ("microstore.migrations.0001_pages", "apps.get_model('flatpages', 'FlatPage')"),
        ("microstore.ops.figures", "apps.get_model('outbox.Delivery')"),
        ("microstore.ops.figures", "from django.contrib.auth.models import Permission"),
        ("microstore.ops.figures", "from contracts.orders.service import orders_service"),
        ("microstore.bindings", "'apps.orders.facade.OrdersFacade'"),  # a facade is no model
    ],
)
def test_the_finder_lets_an_app_reach_its_own_models_and_the_root_its_own(module, source):
    assert model_reaches(f"{source}\n", module=module) == []
