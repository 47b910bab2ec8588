"""System checks of the wiring, run by `manage.py check` and at start-up."""

from __future__ import annotations

from typing import Any

from django.core import checks

from contracts.kernel.registry import registry


@checks.register()
def every_service_bound(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    from microstore.bindings import FACADES

    missing = sorted(set(FACADES) - set(registry.bindings()))
    return [
        checks.Error(f"service {name!r} is not bound", id="microstore.E001") for name in missing
    ]
