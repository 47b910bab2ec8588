"""axe-core over every shopper page in Chromium: light and dark, phone and desktop width.

Each page is reached as a shopper reaches it (signed in where it needs it, with a cart, orders
placed and paid through the API and the pay page) and must show 0 violations of any rule axe
runs by default. A screenshot of each lands in artifacts/screenshots/a11y-*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from apps.payments.models import Payment
from microstore.infopages import INFO_PAGES, seed_info_pages
from tests.accounts.factories import AddressFactory, UserFactory
from tests.browser.axe import axe_violations
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.microstore.remotes import bound_to, dead_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARD = {"number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada Lovelace"}


@dataclass
class Shop:
    """What the pages need, made on demand: a shopper, their cart and their orders."""

    client: Client
    drain: Callable[[], int]
    orders: dict[str, str]

    def sign_in(self) -> None:
        if "_auth_user_id" not in self.client.session:
            user = UserFactory(email="ada@example.com")
            self.address_id = AddressFactory(user=user, label="Home", is_default=True).pk
            self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def add(self, slug: str, quantity: int) -> None:
        product = {"lamp": self.lamp, "mug": self.mug}[slug]
        answer = self.client.post(
            "/api/v1/cart/items/", {"product_id": product, "quantity": quantity}, "application/json"
        )
        assert answer.status_code in (200, 201), answer.content

    def order(self, *, pay: bool) -> str:
        """Place an order through the API; pay it on the fake gateway's pay page if asked."""
        self.sign_in()
        self.add("lamp", 1)
        placed = self.client.post(
            "/api/v1/orders/",
            {"address_id": self.address_id},
            "application/json",
            headers={"Idempotency-Key": f"a11y-order-{len(self.orders)}"},
        )
        assert placed.status_code == 201, placed.content
        number = placed.json()["number"]
        if pay:
            payment = Payment.objects.get(order_ref=number)
            paid = self.client.post(f"/pay/{payment.payment_ref}/", CARD)
            assert paid.status_code == 302, paid.content
        self.orders[number] = "paid" if pay else "placed"
        return number

    def pay_ref(self, number: str) -> str:
        return Payment.objects.get(order_ref=number).payment_ref

    lamp: int = 0
    mug: int = 0
    address_id: int = 0


@pytest.fixture
def shop(drain_tasks) -> Shop:
    lighting = CategoryFactory(name="Lighting", slug="lighting", description="Lamps and lights.")
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    lamp = ProductFactory(
        name="Brass desk lamp",
        slug="brass-desk-lamp",
        category=lighting,
        price=Decimal("79.00"),
        stock=4,
    )
    mug = ProductFactory(
        name="Stoneware mug",
        slug="stoneware-mug",
        category=kitchen,
        price=Decimal("14.50"),
        stock=30,
    )
    ProductFactory(name="Paper lantern", slug="paper-lantern", category=lighting, stock=0)
    seed_info_pages()
    return Shop(client=Client(), drain=drain_tasks, orders={}, lamp=lamp.pk, mug=mug.pk)


def signed_in(path: str) -> Callable[[Shop], str]:
    def arrange(shop: Shop) -> str:
        shop.sign_in()
        return path

    return arrange


def full_cart(shop: Shop) -> str:
    shop.sign_in()
    shop.add("lamp", 2)
    shop.add("mug", 3)
    return "/cart/"


def checkout(shop: Shop) -> str:
    full_cart(shop)
    return "/checkout/"


def pay_page(shop: Shop) -> str:
    return f"/pay/{shop.pay_ref(shop.order(pay=False))}/"


def confirmation(shop: Shop) -> str:
    return f"/orders/{shop.order(pay=True)}/"  # just paid: the worker has not confirmed yet


def paid_order(shop: Shop) -> str:
    number = shop.order(pay=True)
    shop.drain()
    return f"/orders/{number}/"


def history(shop: Shop) -> str:
    paid_order(shop)
    shop.order(pay=False)
    return "/orders/"


def plain(path: str) -> Callable[[Shop], str]:
    return lambda shop: path


PAGES: dict[str, Callable[[Shop], str]] = {
    "home": plain("/"),
    "category": plain("/c/lighting/"),
    "product-list": plain("/products/"),
    "filtered-list": plain("/products/?min_price=10&max_price=100&in_stock=on&sort=price"),
    "filtered-list-error": plain("/products/?min_price=50&max_price=10"),
    "search": plain("/products/?q=lamp"),
    "search-nothing": plain("/products/?q=zebra"),
    "product": plain("/p/brass-desk-lamp/"),
    "product-sold-out": plain("/p/paper-lantern/"),
    "cart-empty": plain("/cart/"),
    "cart-full": full_cart,
    "checkout": checkout,
    "pay": pay_page,
    "order-confirmation": confirmation,
    "order-history": history,
    "order-detail": paid_order,
    "sign-in": plain("/accounts/login/"),
    "sign-up": plain("/accounts/signup/"),
    "password-reset": plain("/accounts/password/reset/"),
    "profile": signed_in("/account/"),
    "address-book": signed_in("/account/addresses/"),
    "address-new": signed_in("/account/addresses/new/"),
    "health": plain("/health/"),
    **{f"info-{page.slug}": plain(page.url) for page in INFO_PAGES},
    "not-found": plain("/no-such-page/"),
}
STATUS = {"not-found": 404}


def open_as_shopper(page, live_server, shop: Shop, path: str) -> int:
    session = shop.client.cookies.get("sessionid")
    if session is not None:
        page.context.add_cookies(
            [{"name": "sessionid", "value": session.value, "url": live_server.url}]
        )
    response = page.goto(live_server.url + path)
    assert response is not None
    return response.status


LOOKS = [(scheme, width) for scheme in ("light", "dark") for width in (390, 1280)]


def problems(page, shot, name: str, scheme: str, width: int) -> list[str]:
    """axe's violations on the page as it stands, and a sideways scroll if any."""
    page.wait_for_load_state("networkidle")
    shot(f"a11y-{name}-{width}-{scheme}")
    found = axe_violations(page)
    if page.evaluate("document.documentElement.scrollWidth") > width:
        found.append(f"the page scrolls sideways at {width} px")
    return found


def look(page, scheme: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)


# One test per page, each page seen in both themes at phone and desktop width: the shop is
# arranged once per page, which keeps the 100-odd looks within a few minutes.
@pytest.mark.parametrize("name", list(PAGES))
def test_every_shopper_page_has_no_axe_violations(
    live_server, page, shot, shop, csp_violations, name
):
    path = PAGES[name](shop)
    found = {}
    for scheme, width in LOOKS:
        look(page, scheme, width)
        status = open_as_shopper(page, live_server, shop, path)
        assert status == STATUS.get(name, 200)
        if violations := problems(page, shot, name, scheme, width):
            found[f"{scheme} {width}"] = violations

    assert found == {}, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)
    assert csp_violations == []


def test_the_csrf_failure_page_has_no_axe_violations(live_server, page, shot, shop):
    found = {}
    for scheme, width in LOOKS:
        look(page, scheme, width)
        page.goto(f"{live_server.url}/p/brass-desk-lamp/")
        page.context.clear_cookies()  # the token the page holds no longer matches any cookie

        with page.expect_navigation() as answer:
            page.evaluate("document.querySelector('.add-to-cart-form').submit()")  # no HTMX

        assert answer.value.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("Your session changed")
        if violations := problems(page, shot, "csrf-failure", scheme, width):
            found[f"{scheme} {width}"] = violations

    assert found == {}, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)


def test_the_unavailable_page_has_no_axe_violations(live_server, page, shot, shop):
    full_cart(shop)  # the cart page needs the catalog for its prices
    found = {}
    with bound_to("catalog", dead_url()):
        for scheme, width in LOOKS:
            look(page, scheme, width)
            assert open_as_shopper(page, live_server, shop, "/cart/") == 503
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "This part of the shop is unavailable right now"
            )
            if violations := problems(page, shot, "unavailable", scheme, width):
                found[f"{scheme} {width}"] = violations

    assert found == {}, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)


def test_the_checkout_not_taken_page_has_no_axe_violations(live_server, page, shot, shop):
    """Payments down as the shopper places the order: the page that says nothing was taken
    and offers the same checkout again."""
    path = checkout(shop)
    found = {}
    with bound_to("payments", dead_url()):
        assert open_as_shopper(page, live_server, shop, path) == 200
        submit = page.locator(".checkout-submit")
        for scheme, width in LOOKS:
            look(page, scheme, width)
            with page.expect_navigation() as answer:
                submit.click()
            assert answer.value.status == 503
            submit = page.get_by_role("button", name="Try again")  # the same checkout again
            expect(page.get_by_role("heading", level=2)).to_have_text("Your order was not placed")
            if violations := problems(page, shot, "checkout-not-taken", scheme, width):
                found[f"{scheme} {width}"] = violations

    assert found == {}, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)
