"""The catalog contract's reads, as other services see them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.catalog.models import Category, Product
from contracts.catalog.errors import ProductNotFound
from contracts.catalog.service import catalog_service
from contracts.kernel.money import Money
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_get_products_is_one_query_in_the_order_asked(django_assert_num_queries):
    a, b, c = ProductFactory(), ProductFactory(stock=0), ProductFactory(is_active=False)
    with django_assert_num_queries(1):
        found = catalog_service().get_products((c.pk, 999_999, a.pk, b.pk))
    assert [p.id for p in found] == [c.pk, a.pk, b.pk]
    assert [(p.is_active, p.available) for p in found] == [(False, 10), (True, 10), (True, 0)]


def test_a_product_dto_carries_money_and_no_model(settings):
    product = ProductFactory(sku="SK-1", price=Decimal("49.90"), stock=3)
    dto = catalog_service().get_products_by_sku(("SK-1", "NOPE"))[0]
    assert dto.price == Money("49.90", "EUR")
    assert (dto.id, dto.slug, dto.available, dto.category_slug) == (
        product.pk, product.slug, 3, product.category.slug,
    )  # fmt: skip
    assert dto.image_url is None


def test_by_slug_finds_inactive_products_and_refuses_unknown_ones():
    retired = ProductFactory(is_active=False)
    assert catalog_service().get_product_by_slug(retired.slug).is_active is False
    with pytest.raises(ProductNotFound) as caught:
        catalog_service().get_product_by_slug("nope")
    assert caught.value.details == {"slug": "nope"}


def test_health_reports_ok():
    assert catalog_service().health().ok


def test_seed_demo_builds_a_believable_shop_once(capsys, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo", "--no-images")
    second = capsys.readouterr().out

    assert Category.objects.count() >= 8
    assert Category.objects.filter(parent__isnull=False).exists()
    products = Product.objects.select_related("stock")
    assert products.count() >= 50
    levels = [p.stock.on_hand for p in products]
    assert 0 in levels
    assert any(1 <= n <= 5 for n in levels)
    assert max(levels) > 20
    assert len({p.price for p in products}) > 20
    assert all(p.image for p in products)
    assert "staff@microstore.test" in first
    assert "password:" in first
    assert "0 new products" in second
