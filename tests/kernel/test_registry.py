from typing import Protocol, cast

import pytest

from contracts.catalog.service import catalog_service
from contracts.kernel.registry import ServiceRegistry, registry
from contracts.kernel.service import ServiceHealth


class Greeter(Protocol):
    def greet(self) -> str: ...


class English:
    built = 0

    def __init__(self) -> None:
        English.built += 1

    def greet(self) -> str:
        return "hello"


def test_a_binding_is_built_once_on_first_use():
    local = ServiceRegistry()
    English.built = 0
    local.bind("greeter", English)
    assert English.built == 0
    assert cast(Greeter, local.resolve("greeter")).greet() == "hello"
    local.resolve("greeter")
    assert English.built == 1
    assert local.bindings()["greeter"].kind == "local"


def test_an_unbound_service_is_a_lookup_error():
    with pytest.raises(LookupError, match="not bound"):
        ServiceRegistry().resolve("nobody")


def test_override_replaces_a_service_for_a_block_only():
    class FakeCatalog:
        def health(self) -> ServiceHealth:
            return ServiceHealth("catalog", "fake", ok=False, detail="fake")

    real = catalog_service()
    with registry.override("catalog", FakeCatalog()):
        assert catalog_service().health().version == "fake"
    assert catalog_service() is real
