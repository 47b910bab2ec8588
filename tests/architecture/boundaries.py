"""Finders for links between two of our apps: model relations and migration dependencies."""

from __future__ import annotations

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
