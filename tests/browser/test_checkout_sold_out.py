"""The checkout page when an item sold out while it sat in the cart: it names the item, offers
no "Place order" button, and placing the order anyway says the same words as any sell-out.
Phone and desktop, light and dark."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.cart.selectors import Owner
from apps.cart.services import cart_add
from contracts.catalog.dto import StockLine
from contracts.catalog.service import catalog_service
from tests.accounts.factories import AddressFactory, UserFactory
from tests.browser.helpers import sign_in
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sold_out_in_cart():
    """Ada put a lamp and two mugs in her cart; then the last mugs were bought by others."""
    ada = UserFactory(email="ada@example.com")
    AddressFactory(user=ada, label="Home", is_default=True)
    shelf = CategoryFactory(name="Home", slug="home")
    lamp = ProductFactory(
        name="Brass desk lamp",
        slug="brass-desk-lamp",
        category=shelf,
        price=Decimal("79.00"),
        stock=4,
    )
    mug = ProductFactory(
        name="Stoneware mug",
        sku="MUG-1",
        slug="stoneware-mug",
        category=shelf,
        price=Decimal("14.50"),
        stock=3,
    )
    for product, quantity in ((lamp, 1), (mug, 2)):
        cart_add(owner=Owner(customer_id=ada.pk), product_id=product.pk, quantity=quantity)
    catalog_service().reserve_stock((StockLine(mug.pk, 3),), "others", 600)
    return ada


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_checkout_page_names_what_sold_out_in_the_cart(
    live_server, page, shot, sold_out_in_cart, width, scheme, csp_violations
):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/checkout/")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Sold out while in your cart:")
    expect(alert).to_contain_text("Stoneware mug (MUG-1)")
    expect(page.get_by_role("button", name="Place order")).to_have_count(0)
    alert.scroll_into_view_if_needed()
    shot(f"checkout-sold-out-{width}-{scheme}")
    assert csp_violations == []
