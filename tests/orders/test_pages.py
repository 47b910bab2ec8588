"""Shopper pages: checkout, confirmation, history, detail with its timeline, cancel, retry."""

from __future__ import annotations

import re

import pytest

from apps.orders.models import Order
from apps.orders.services.lifecycle import order_transition
from contracts.orders.dto import OrderStatus
from contracts.payments.errors import PaymentRejected
from tests.accounts.factories import AddressFactory, UserFactory
from tests.orders.fakes import unavailable

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, shopper, cart, payments):
    client.force_login(shopper)
    return client


def checkout_form(browser) -> dict[str, str]:
    page = browser.get("/checkout/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    chosen = re.search(r'name="address" value="([^"]+)" checked', page).group(1)
    return {"idempotency_key": key, "address": chosen}


def test_checkout_needs_a_signed_in_shopper(client):
    response = client.get("/checkout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_checkout_offers_the_address_book_and_the_totals(browser, cart, shopper, mug):
    AddressFactory(user=shopper, label="Home", is_default=True)
    AddressFactory(user=shopper, label="Work")
    cart.put(shopper.pk, mug.pk, 2)

    content = browser.get("/checkout/").content.decode()

    assert "Home" in content
    assert "Work" in content
    assert "A new address" in content
    assert "€28.00" in content
    assert "€4.90" in content
    assert "€32.90" in content
    assert re.search(r'name="address" value="\d+" checked', content)  # the default is chosen


def test_placing_the_order_twice_from_the_same_form_makes_one_order(browser, cart, shopper, mug):
    AddressFactory(user=shopper, is_default=True)
    cart.put(shopper.pk, mug.pk, 1)
    form = checkout_form(browser)

    first = browser.post("/checkout/", form)
    second = browser.post("/checkout/", form)  # double click / back button

    order = Order.objects.get()
    assert first["Location"] == second["Location"] == f"/orders/{order.number}/"
    confirmation = browser.get(first["Location"]).content.decode()
    assert f"Order {order.number}" in confirmation
    assert "Your items are held for you while the payment completes" in confirmation
    assert 'hx-trigger="every 3s"' in confirmation  # refreshes itself until paid


def test_a_new_address_needs_its_fields_and_nothing_is_placed_without_them(
    browser, cart, shopper, mug
):
    cart.put(shopper.pk, mug.pk, 1)
    form = checkout_form(browser)
    assert form["address"] == "new"

    response = browser.post("/checkout/", {**form, "full_name": "Ada", "country": "France"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter the first line of the address" in content
    assert "Choose a country from the list" in content
    assert not Order.objects.exists()

    ok = browser.post(
        "/checkout/",
        {
            **form,
            "full_name": "Ada",
            "line1": "1 Main St",
            "city": "Lyon",
            "postal_code": "69001",
            "country": "FR",
        },
    )
    assert ok.status_code == 302
    assert Order.objects.get().ship_country == "FR"


def test_an_address_of_someone_else_cannot_be_chosen(browser, cart, shopper, mug):
    theirs = AddressFactory(user=UserFactory())
    cart.put(shopper.pk, mug.pk, 1)
    form = checkout_form(browser)
    response = browser.post("/checkout/", {**form, "address": str(theirs.pk)})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Order.objects.exists()


def test_sold_out_during_checkout_goes_back_to_the_cart_with_the_reason(
    browser, cart, shopper, mug
):
    cart.put(shopper.pk, mug.pk, 2)
    form = checkout_form(browser)
    cart.held_meanwhile(mug.pk, 4)  # another checkout, between our cart read and our hold
    response = browser.post(
        "/checkout/",
        {
            **form,
            "full_name": "Ada",
            "line1": "1 Main St",
            "city": "Lyon",
            "postal_code": "69001",
            "country": "FR",
        },
        follow=True,
    )
    assert "Stoneware mug (MUG-1, only 1 left)" in response.content.decode()
    assert not Order.objects.exists()


def test_when_payment_cannot_start_the_shopper_is_told_nothing_was_charged(
    browser, cart, shopper, mug, payments
):
    AddressFactory(user=shopper, is_default=True)
    cart.put(shopper.pk, mug.pk, 1)
    payments.fail_with = PaymentRejected("the gateway refused this payment")
    response = browser.post("/checkout/", checkout_form(browser), follow=True)
    assert "nothing was charged and the order was cancelled" in response.content.decode()
    assert Order.objects.get().status == "cancelled"


def test_when_payments_do_not_answer_the_same_form_places_the_order_once_they_do(
    browser, cart, shopper, mug, payments
):
    AddressFactory(user=shopper, is_default=True)
    cart.put(shopper.pk, mug.pk, 1)
    payments.fail_with = unavailable()
    form = checkout_form(browser)

    response = browser.post("/checkout/", form)

    assert response.status_code == 503
    page = response.content.decode()
    assert "We could not take your order just now, and nothing was charged." in page
    assert f'name="idempotency_key" value="{form["idempotency_key"]}"' in page  # the same one
    payments.fail_with = None

    again = browser.post("/checkout/", form)

    order = Order.objects.get()
    assert (again.status_code, again["Location"]) == (302, f"/orders/{order.number}/")
    assert order.payment_ref
    assert len(payments.started) == 1


def test_history_lists_the_shoppers_orders_newest_first_and_paginates(browser, place, mug, shopper):
    numbers = [place({mug: 1}).number for _ in range(3)]
    place({mug: 1}, customer=UserFactory())
    Order.objects.filter(number=numbers[0]).update(placed_at="2026-01-01T00:00:00Z")

    page = browser.get("/orders/")
    assert [o.number for o in page.context["page"].object_list] == [
        numbers[2],
        numbers[1],
        numbers[0],
    ]


def test_history_paginates(browser, place, mug):
    from apps.catalog.models import Stock

    Stock.objects.update(on_hand=100)
    for _ in range(12):
        place({mug: 1})
    assert len(browser.get("/orders/").context["page"].object_list) == 10
    assert len(browser.get("/orders/?page=2").context["page"].object_list) == 2


def test_the_detail_shows_lines_totals_address_and_timeline(browser, place, mug):
    order = place({mug: 2})
    order_transition(
        number=order.number, to=OrderStatus.PAID, actor="payments", reason="payment pay_0 succeeded"
    )
    content = browser.get(f"/orders/{order.number}/").content.decode()
    for text in (
        "Stoneware mug",
        "€28.00",
        "€32.90",
        "3 Rue de Rivoli",
        "Paid",
        "payment pay_0 succeeded",
        "order placed",
    ):
        assert text in content, text
    assert 'hx-trigger="every 3s"' not in content  # settled: no more polling


def test_another_customers_order_is_404_everywhere(browser, place, mug):
    theirs = place({mug: 1}, customer=UserFactory())
    assert browser.get(f"/orders/{theirs.number}/").status_code == 404
    assert browser.post(f"/orders/{theirs.number}/cancel/").status_code == 404
    assert browser.post(f"/orders/{theirs.number}/retry-payment/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending_payment"


def test_a_shopper_cancels_an_unpaid_order_but_not_a_paid_one(browser, place, mug):
    unpaid, paid = place({mug: 1}), place({mug: 1})
    order_transition(number=paid.number, to=OrderStatus.PAID, actor="payments")

    browser.post(f"/orders/{unpaid.number}/cancel/")
    response = browser.post(f"/orders/{paid.number}/cancel/", follow=True)

    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (unpaid.status, paid.status) == ("cancelled", "paid")
    assert "is paid: only an unpaid order can be cancelled, contact us" in response.content.decode()


def test_the_order_pages_cost_few_queries(browser, place, mug, django_assert_max_num_queries):
    order = place({mug: 1})
    with django_assert_max_num_queries(8):
        browser.get(f"/orders/{order.number}/")
    with django_assert_max_num_queries(8):
        browser.get("/orders/")
