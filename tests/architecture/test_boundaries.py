"""The rules of ARCHITECTURE.md, checked: no cross-app relation, migration or import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.db.migrations.loader import MigrationLoader
from django.test.utils import isolate_apps

from tests.architecture.boundaries import cross_app_migration_dependencies, cross_app_relations

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(  # noqa: S603  # our own tool, fixed arguments
        [str(lint), str(root / "importlinter.ini"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_no_model_relation_joins_two_of_our_apps():
    assert cross_app_relations(apps.get_models(include_auto_created=True)) == []


@pytest.mark.django_db
def test_no_migration_depends_on_another_of_our_apps():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    nodes = [(key, [parent.key for parent in graph.node_map[key].parents]) for key in graph.nodes]
    assert cross_app_migration_dependencies(nodes) == []


@isolate_apps("apps.catalog", "apps.orders")
def test_the_relation_finder_catches_a_planted_foreign_key():
    class Product(models.Model):
        class Meta:
            app_label = "catalog"

    class OrderLine(models.Model):
        product = models.ForeignKey(Product, on_delete=models.PROTECT)

        class Meta:
            app_label = "orders"

    assert cross_app_relations([Product, OrderLine]) == [
        "catalog.Product.orderline → orders.OrderLine",
        "orders.OrderLine.product → catalog.Product",
    ]


def test_the_migration_finder_catches_a_planted_dependency():
    nodes = [
        (("orders", "0001_initial"), [("catalog", "0001_initial"), ("orders", "0000")]),
        (("catalog", "0001_initial"), [("contenttypes", "0002")]),
    ]
    assert cross_app_migration_dependencies(nodes) == [
        "orders.0001_initial depends on catalog.0001_initial"
    ]


def test_import_linter_keeps_every_contract_and_ignores_nothing():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    config_lines = (ROOT / "importlinter.ini").read_text().splitlines()
    assert not [x for x in config_lines if x.strip().startswith("ignore_imports")]


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("apps/cart/planted.py", "import apps.orders.models\n", "independent"),
        ("contracts/kernel/planted.py", "import django.db\n", "plain Python"),
        ("apps/payments/planted.py", "from contracts.orders import service\n", "payments"),
        ("apps/orders/planted.py", "import apps.catalog.facade\n", "facades"),
    ],
)
def test_import_linter_fails_on_a_planted_violation(tmp_path, module, line, broken):
    for name in ("apps", "contracts", "microstore", "importlinter.ini"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / module).write_text(line)

    result = _lint_imports(tmp_path)

    assert result.returncode == 1
    broken_lines = [x for x in result.stdout.splitlines() if x.endswith("BROKEN")]
    assert any(broken in x for x in broken_lines), result.stdout
