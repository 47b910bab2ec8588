"""Staff tools: product list, bulk (de)activation, stock inline, CSV import and export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.catalog.models import Product, Stock
from contracts.catalog.dto import StockLine
from contracts.catalog.service import catalog_service
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/catalog/product/"
IMPORT = "/admin/catalog/product/import/"


def upload(admin_client, text: str, name: str = "products.csv"):
    data = text.encode() if isinstance(text, str) else text
    return admin_client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "text/csv")})


def change_form(client, product: Product, *, on_hand: int) -> tuple[str, dict[str, object]]:
    """The product's change page and what its form posts as it stands, stock set to `on_hand`."""
    url = f"/admin/catalog/product/{product.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "image"}
    data |= {"category": product.category_id, "stock-TOTAL_FORMS": 1, "stock-INITIAL_FORMS": 1,
             "stock-0-product": product.pk, "stock-0-on_hand": on_hand, "images-TOTAL_FORMS": 0,
             "images-INITIAL_FORMS": 0}  # fmt: skip
    return url, data


def test_the_product_list_searches_and_filters_by_stock_level(admin_client):
    ProductFactory(sku="OUT-1", name="Gone", stock=0)
    ProductFactory(sku="LOW-1", name="Scarce", stock=2)
    ProductFactory(sku="IN-1", name="Plenty", stock=50)

    def shown(query):
        response = admin_client.get(CHANGELIST + query)
        assert response.status_code == 200
        return sorted(p.sku for p in response.context["cl"].result_list)

    assert shown("?stock=out") == ["OUT-1"]
    assert shown("?stock=low") == ["LOW-1"]
    assert shown("?stock=in") == ["IN-1"]
    assert shown("?q=scarce") == ["LOW-1"]


def test_bulk_take_off_sale_and_put_back(admin_client):
    a, b = ProductFactory(), ProductFactory()
    response = admin_client.post(
        CHANGELIST, {"action": "deactivate", "_selected_action": [a.pk, b.pk]}, follow=True
    )
    assert b"2 product(s) taken off sale." in response.content
    assert not Product.objects.filter(is_active=True).exists()
    admin_client.post(CHANGELIST, {"action": "activate", "_selected_action": [a.pk]})
    assert list(Product.objects.filter(is_active=True)) == [a]


def test_staff_cannot_count_stock_below_what_is_reserved(admin_client):
    product = ProductFactory(stock=5)
    catalog_service().reserve_stock((StockLine(product.pk, 3),), "order-1", 600)
    url, data = change_form(admin_client, product, on_hand=1)

    response = admin_client.post(url, data)

    assert response.status_code == 200  # the form comes back with the error
    assert b"3 are held by checkouts" in response.content
    assert Stock.objects.get(pk=product.pk).on_hand == 5


GOOD = """sku,name,category,price,on_hand,is_active
NEW-1,Blue mug,mugs,12.50,7,1
OLD-1,Renamed lamp,,40.00,3,0
"""


def test_a_good_csv_creates_and_updates_by_sku(admin_client):
    CategoryFactory(slug="mugs")
    ProductFactory(sku="OLD-1", name="Lamp", stock=10)

    response = upload(admin_client, GOOD)

    assert response.status_code == 302
    new = Product.objects.get(sku="NEW-1")
    old = Product.objects.get(sku="OLD-1")
    assert (new.name, new.price, new.category.slug, new.stock.on_hand) == (
        "Blue mug",
        Decimal("12.50"),
        "mugs",
        7,
    )
    assert (old.name, old.is_active, old.stock.on_hand) == ("Renamed lamp", False, 3)


BAD = """sku,name,category,price,on_hand
OK-1,Fine,,5.00,1
BAD-1,,nope,-3,x
OK-1,Twice,,5.00,1
"""


def test_a_bad_csv_changes_nothing_and_lists_every_row_problem(admin_client):
    ProductFactory(sku="KEEP", name="Kept")

    response = upload(admin_client, BAD)

    assert response.status_code == 200
    errors = response.context["result"].errors
    assert "row 3: name: This field is required." in errors
    assert any(e.startswith("row 3: price:") for e in errors)
    assert any(e.startswith("row 3: on_hand:") for e in errors)
    assert "row 4: sku: OK-1 appears twice in the file" in errors
    assert list(Product.objects.values_list("sku", flat=True)) == ["KEEP"]
    assert b"Nothing was imported" in response.content


def test_a_row_the_models_refuse_rolls_back_the_rows_before_it(admin_client):
    ProductFactory(sku="TAKEN", slug="taken-slug")
    text = "sku,name,slug,price\nFIRST,First,first,1.00\nSECOND,Second,taken-slug,2.00\n"

    response = upload(admin_client, text)

    assert response.status_code == 200
    assert any("row 3: slug:" in e for e in response.context["result"].errors)
    assert not Product.objects.filter(sku="FIRST").exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        ("name,price\nX,1\n", "missing column(s): sku"),
        ("sku,name,price,colour\nX,Y,1,red\n", "unknown column(s): colour"),
        ("sku,name,price\n", "no product rows"),
    ],
)
def test_malformed_files_are_refused_whole(admin_client, content, problem):
    response = upload(admin_client, content)
    assert any(problem in e for e in response.context["result"].errors)
    assert not Product.objects.exists()


def test_lowering_stock_below_reserved_by_csv_is_refused(admin_client):
    product = ProductFactory(sku="HELD", stock=5)
    catalog_service().reserve_stock((StockLine(product.pk, 4),), "order-2", 600)
    response = upload(admin_client, "sku,name,price,on_hand\nHELD,Held,10.00,1\n")
    assert any("4 are held by checkouts" in e for e in response.context["result"].errors)
    assert Stock.objects.get(pk=product.pk).on_hand == 5


def test_export_round_trips_through_import(admin_client):
    CategoryFactory(slug="mugs")
    ProductFactory(sku="MUG-1", name="Mug, blue", category=None, stock=4)

    exported = b"".join(admin_client.get("/admin/catalog/product/export/").streaming_content)

    lines = exported.decode().splitlines()
    assert (
        lines[0]
        == "sku,name,slug,description,category,price,currency,is_active,is_featured,on_hand"
    )
    assert lines[1].startswith('MUG-1,"Mug, blue",')
    Product.objects.all().delete()
    assert upload(admin_client, exported).status_code == 302
    assert Product.objects.get(sku="MUG-1").stock.on_hand == 4


def test_only_staff_reach_the_import(client, django_user_model):
    user = django_user_model.objects.create_user(email="s@example.com", password="x")
    client.force_login(user)
    response = client.post(IMPORT, {"file": SimpleUploadedFile("p.csv", GOOD.encode())})
    assert response.status_code == 302  # to the admin login
    assert not Product.objects.exists()
