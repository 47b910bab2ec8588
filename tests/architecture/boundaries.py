"""Finders for links between two of our apps: model relations, migration dependencies, and code
that reaches another app's models (its tables) instead of asking its contract."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from django.db.models import Model

OUR_APPS = frozenset({"catalog", "accounts", "cart", "orders", "payments", "notifications"})


def cross_app_relations(models: Iterable[type[Model]]) -> list[str]:
    """Every relation field that joins a model of one of our apps to a model of another."""
    found = []
    for model in models:
        source = model._meta.app_label
        if source not in OUR_APPS:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            related = getattr(field, "related_model", None)
            if related is None or isinstance(related, str):
                continue
            target = related._meta.app_label
            if target in OUR_APPS and target != source:
                found.append(f"{model._meta.label}.{field.name} → {related._meta.label}")
    return sorted(found)


def cross_app_migration_dependencies(
    graph_nodes: Iterable[tuple[tuple[str, str], list]],
) -> list[str]:
    """Every migration of one of our apps that depends on a migration of another."""
    found = []
    for (app, name), parents in graph_nodes:
        if app not in OUR_APPS:
            continue
        for parent_app, parent_name in parents:
            if parent_app in OUR_APPS and parent_app != app:
                found.append(f"{app}.{name} depends on {parent_app}.{parent_name}")
    return sorted(found)


ROOT = "microstore"  # the composition root: it may reach no service app's models at all
_MODEL_CALLS = frozenset({"get_model", "get_app_config"})
_IMPORT_CALLS = frozenset({"import_module", "import_string", "__import__"})


def model_reaches(source: str, *, module: str) -> list[str]:
    """Every place in `source`, the code of `module` (``apps.cart.middleware``; a package's own
    file ends in ``.__init__``), that reaches the models of one of our apps other than its own
    (of any of them, for the composition root): an import of ``apps.<app>.models`` in any
    spelling (absolute, relative, ``from apps.<app> import models``, ``import_module`` or
    ``import_string`` of its path), the app registry's ``get_model("<app>", ...)``,
    ``get_model("<app>.<Model>")`` or ``get_app_config("<app>")``, one whose label is not a
    literal (nobody can check it), and ``get_user_model()`` outside accounts."""
    owner = _owner(module)
    found: list[str] = []

    def reach(node: ast.AST, what: str) -> None:
        found.append(f"{module}:{getattr(node, 'lineno', 0)}: {what}")

    def foreign(app: str | None) -> bool:
        return app in OUR_APPS and app != owner

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if foreign(_models_app(alias.name)):
                    reach(node, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node.module, node.level)
            if foreign(_models_app(base)):
                reach(node, f"from {base} import ...")
                continue
            for alias in node.names:
                if foreign(_models_app(f"{base}.{alias.name}")):
                    reach(node, f"from {base} import {alias.name}")
        elif isinstance(node, ast.Call):
            name = _called(node.func)
            first = _first_text(node)
            if name in _MODEL_CALLS:
                if first is None:
                    reach(node, f"{name}() of a label that is not a literal")
                elif foreign(first.split(".", 1)[0]):
                    reach(node, f"{name}({first!r})")
            elif name in _IMPORT_CALLS and first is not None and foreign(_models_app(first)):
                reach(node, f"{name}({first!r})")
            elif name == "get_user_model" and owner != "accounts":
                reach(node, "get_user_model(): the users are accounts' models")
    return found


def _owner(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "apps" and len(parts) > 1 else parts[0]


def _models_app(dotted: str) -> str | None:
    """The app whose models `dotted` names (``apps.orders.models``, ``apps.orders.models.x``,
    ``apps.orders.models.Order``), else None."""
    parts = dotted.split(".")
    if len(parts) >= 3 and parts[0] == "apps" and parts[2] == "models":
        return parts[1]
    return None


def _absolute(module: str, name: str | None, level: int) -> str:
    """The absolute name of ``from <level dots><name> import ...`` written in `module`."""
    if not level:
        return name or ""
    package = module.split(".")[:-level]
    return ".".join([*package, *([name] if name else [])])


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _first_text(call: ast.Call) -> str | None:
    """The call's first argument (or the keyword that stands for it) when it is a string
    literal: the app label or dotted path that the call reaches."""
    keywords = {k.arg: k.value for k in call.keywords}
    argument = call.args[0] if call.args else None
    for name in ("app_label", "dotted_path", "name"):
        argument = argument if argument is not None else keywords.get(name)
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None
