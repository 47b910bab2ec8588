"""Shopper pages: home, lists with search/filters/sort/pagination, product page, 404s."""

from __future__ import annotations

import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from apps.catalog import cache
from apps.catalog.models import Stock
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [p.name for p in response.context["page"].object_list]


def test_home_shows_top_categories_and_featured_products(client):
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    CategoryFactory(name="Mugs", slug="mugs", parent=kitchen)
    ProductFactory(name="Skillet", is_featured=True)
    ProductFactory(name="Hidden", is_featured=True, is_active=False)

    response = client.get("/")

    assert response.status_code == 200
    assert "Kitchen" in [c.name for c in response.context["categories"]]
    assert "Mugs" not in [c.name for c in response.context["categories"]]
    assert [p.name for p in response.context["featured"]] == ["Skillet"]


def test_the_list_shows_only_products_on_sale(client):
    ProductFactory(name="Lamp")
    ProductFactory(name="Retired lamp", is_active=False)
    response = client.get(reverse("catalog:product-list"))
    assert names(response) == ["Lamp"]


def test_a_category_lists_its_sub_categories_products_too(client):
    home = CategoryFactory(slug="home")
    lighting = CategoryFactory(slug="lighting", parent=home)
    ProductFactory(name="Lamp", category=lighting)
    ProductFactory(name="Rug", category=home)
    ProductFactory(name="Mug")

    assert sorted(names(client.get("/c/home/"))) == ["Lamp", "Rug"]
    assert names(client.get("/c/lighting/")) == ["Lamp"]
    assert client.get("/c/no-such-shelf/").status_code == 404


def test_search_finds_words_in_name_sku_and_description(client):
    ProductFactory(name="Stoneware mug", sku="MUG-1")
    ProductFactory(name="Teapot", description="Pairs well with any mug")
    ProductFactory(name="Lamp", sku="LMP-9")

    assert sorted(names(client.get("/products/?q=mug"))) == ["Stoneware mug", "Teapot"]
    assert names(client.get("/products/?q=LMP-9")) == ["Lamp"]
    assert names(client.get("/products/?q=zebra")) == []


def test_price_and_stock_filters_and_sorting(client):
    ProductFactory(name="Cheap", price=Decimal("5.00"))
    ProductFactory(name="Middle", price=Decimal("20.00"), stock=0)
    ProductFactory(name="Dear", price=Decimal("90.00"))

    assert names(client.get("/products/?min_price=10&max_price=50")) == ["Middle"]
    assert names(client.get("/products/?in_stock=on&sort=-price")) == ["Dear", "Cheap"]
    assert names(client.get("/products/?sort=price")) == ["Cheap", "Middle", "Dear"]


def test_bad_filter_values_are_shown_as_errors_and_ignored(client):
    ProductFactory(name="Cheap", price=Decimal("5.00"))
    ProductFactory(name="Dear", price=Decimal("90.00"))

    response = client.get("/products/?min_price=50&max_price=10&sort=sideways")

    assert response.status_code == 200
    assert names(response) == ["Dear"]  # the valid minimum still applies
    content = response.content.decode()
    assert "The maximum must not be below the minimum." in content
    assert "sideways is not one of the available choices" in content


def test_pagination_keeps_the_filters_in_the_links(client):
    for n in range(30):
        ProductFactory(name=f"Mug {n:02d}", price=Decimal("12.00"))

    response = client.get("/products/?q=mug&min_price=10&sort=name")

    content = response.content.decode()
    assert response.context["page"].paginator.num_pages == 2
    assert 'href="?q=mug&amp;min_price=10&amp;sort=name&amp;page=2"' in content
    second = client.get("/products/?q=mug&min_price=10&sort=name&page=2")
    assert names(second) == [f"Mug {n:02d}" for n in range(24, 30)]


def test_htmx_requests_get_only_the_results_partial(client):
    ProductFactory(name="Lamp")
    response = client.get("/products/?q=lamp", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"')
    assert "<html" not in content
    assert "Lamp" in content


def test_the_search_form_updates_the_list_in_place_and_the_url(client):
    content = client.get("/products/").content.decode()
    assert 'hx-target="#results"' in content
    assert 'hx-push-url="true"' in content
    assert 'method="get"' in content  # and still works as a plain form


@pytest.mark.parametrize("count", [1, 40])
def test_a_list_page_costs_three_queries_whatever_its_size(
    client, django_assert_max_num_queries, count
):
    parent = CategoryFactory(slug="all")
    for _ in range(count):
        ProductFactory(category=parent)
    with django_assert_max_num_queries(3):
        client.get("/products/?q=product&min_price=1&in_stock=on&sort=newest")
    with django_assert_max_num_queries(3):
        client.get("/c/all/")


def test_the_product_page_shows_price_and_availability(client):
    product = ProductFactory(name="Skillet", price=Decimal("49.00"), stock=3, sku="SK-1")

    response = client.get(product.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Skillet" in content
    assert "€49.00" in content
    assert "SK-1" in content
    assert "Only 3 left" in content
    assert 'id="buy-box"' in content


@pytest.mark.parametrize(("stock", "text"), [(0, "Out of stock"), (50, "In stock")])
def test_availability_wording(client, stock, text):
    product = ProductFactory(stock=stock)
    assert text in client.get(product.get_absolute_url()).content.decode()


def test_unknown_and_inactive_products_are_404(client):
    retired = ProductFactory(is_active=False)
    assert client.get("/p/no-such-thing/").status_code == 404
    response = client.get(retired.get_absolute_url())
    assert response.status_code == 404
    assert retired.name not in response.content.decode()


def test_a_cached_product_page_costs_no_query_and_its_availability_lags_at_most_seconds(
    client, monkeypatch, django_assert_max_num_queries, django_assert_num_queries
):
    product = ProductFactory(stock=9)
    with django_assert_max_num_queries(3):
        client.get(product.get_absolute_url())
    Stock.objects.filter(pk=product.pk).update(on_hand=2)  # a checkout: no signal, no cache bump

    with django_assert_num_queries(0):
        content = client.get(product.get_absolute_url()).content.decode()
    assert "In stock" in content  # as read a moment ago
    later = time.monotonic() + cache.AVAILABILITY_SECONDS + 0.1
    monkeypatch.setattr(cache, "time", SimpleNamespace(monotonic=lambda: later))
    with django_assert_num_queries(1):  # the availability alone: the page is still cached
        content = client.get(product.get_absolute_url()).content.decode()

    assert "Only 2 left" in content


def test_a_staff_change_to_a_product_shows_on_its_page_at_once(client):
    product = ProductFactory(name="Skillet", price=Decimal("49.00"), stock=9)
    client.get(product.get_absolute_url())

    product.price = Decimal("39.00")
    product.save()  # as the admin does
    Stock.objects.filter(pk=product.pk).update(on_hand=2)
    Stock.objects.get(pk=product.pk).save()  # the admin's stock change bumps the catalog too

    content = client.get(product.get_absolute_url()).content.decode()
    assert "€39.00" in content
    assert "Only 2 left" in content


def test_a_cached_list_costs_no_query_and_a_staff_change_shows_at_once(
    client, django_assert_num_queries
):
    product = ProductFactory(name="Lamp", price=Decimal("30.00"))
    client.get("/products/")
    with django_assert_num_queries(0):
        assert "€30.00" in client.get("/products/").content.decode()

    product.price = Decimal("25.00")
    product.save()  # as the admin does

    assert "€25.00" in client.get("/products/").content.decode()
