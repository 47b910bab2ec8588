"""The staff order page: everything staff need at a glance, internals tucked away, no Save on a
record nobody edits by hand, and a button for each legal next step, each through its service."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client

from apps.orders.models import Order
from apps.orders.services.actions import order_fulfil
from apps.orders.services.lifecycle import order_transition
from contracts.orders.dto import OrderStatus
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/orders/order/"


@pytest.fixture
def paid_order(place, mug, lamp, payments):
    order = place({mug: 2, lamp: 1})
    payments.pay(order.payment_ref)
    return order_transition(number=order.number, to=OrderStatus.PAID, actor="payments")


def page(client, order):
    return client.get(f"{URL}{order.pk}/change/")


def step(client, order, name, **data):
    return client.post(f"{URL}{order.pk}/step/{name}/", data)


def steps_offered(response) -> list[str]:
    return re.findall(r'action="/admin/orders/order/\d+/step/(\w+)/"', response.text)


def told(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def history(order) -> list[tuple[str, str]]:
    return [(e.from_status, e.to_status) for e in order.timeline.all()]


def test_the_page_shows_lines_customer_address_payment_and_timeline(
    admin_client, paid_order, shopper
):
    response = page(admin_client, paid_order)

    html = response.text
    assert response.status_code == 200
    lines = re.search(r'<table class="order-lines">.*?</table>', html, re.S).group(0)
    cells = [text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", lines, re.S)]
    assert cells[:15] == [
        "SKU", "Product", "Quantity", "Unit price", "Line total",
        "MUG-1", "Stoneware mug", "2", "€14.00", "€28.00",
        "LAMP-1", "Desk lamp", "1", "€79.00", "€79.00",
    ]  # fmt: skip
    assert f'<a href="/admin/accounts/user/{shopper.pk}/change/">Ada Lovelace</a>' in html
    assert "ada@example.com" in html
    assert "Ada Lovelace<br>3 Rue de Rivoli<br>75001 Paris<br>FR" in html
    assert '<a href="/admin/payments/payment/by-ref/pay_0/">pay_0</a>' in html
    assert "€107.00" in html  # the amount paid, and the order's total
    assert "Pending payment → Paid" in html
    assert "pending_payment" not in html  # no raw status name anywhere on the page


def fields_of(options: dict) -> set[str]:
    lines = [[line] if isinstance(line, str) else line for line in options["fields"]]
    return {name for line in lines for name in line}


def test_internals_are_kept_in_a_collapsed_technical_fieldset(admin_client, paid_order):
    response = page(admin_client, paid_order)

    fieldsets = dict(response.context["adminform"].fieldsets)
    technical = fieldsets.pop("Technical details")
    internals = {"reservation_ref", "idempotency_key", "request_fingerprint"}
    assert technical["classes"] == ("collapse",)
    assert internals <= fields_of(technical)
    assert not internals & set().union(*(fields_of(options) for options in fieldsets.values()))
    assert paid_order.idempotency_key in response.text  # kept, not removed


def test_no_save_or_delete_on_a_record_nobody_edits(admin_client, paid_order):
    response = page(admin_client, paid_order)
    assert 'name="_save"' not in response.text
    assert 'name="_continue"' not in response.text
    assert "deletelink" not in response.text

    refused = admin_client.post(f"{URL}{paid_order.pk}/change/", {"tracking_number": "X"})

    assert refused.status_code == 403
    before = paid_order.updated_at
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.tracking_number, paid_order.updated_at) == (
        "paid", "", before
    )  # fmt: skip
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("moves", "offered"),
    [
        ([], ["cancel"]),
        ([OrderStatus.PAYMENT_FAILED], ["cancel"]),
        ([OrderStatus.PAID], ["fulfil", "cancel", "refund"]),
        ([OrderStatus.PAID, OrderStatus.FULFILLED], ["deliver", "refund"]),
        ([OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.DELIVERED], ["refund"]),
        ([OrderStatus.CANCELLED], []),
    ],
)
def test_a_button_for_each_legal_next_step_only(admin_client, place, mug, moves, offered):
    order = place({mug: 1})
    for to in moves:
        if to is OrderStatus.FULFILLED:
            order_fulfil(number=order.number, tracking_number="1Z", actor="staff:1")
        else:
            order_transition(number=order.number, to=to, actor="system")

    assert steps_offered(page(admin_client, order)) == offered


def test_mark_fulfilled_records_the_tracking_number(admin_client, paid_order):
    response = step(admin_client, paid_order, "fulfil", tracking_number=" 1Z-TRACK-9 ")

    assert response.status_code == 302
    assert response["Location"] == f"{URL}{paid_order.pk}/change/"
    assert told(response) == [f"{paid_order.number} marked fulfilled."]
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.tracking_number) == ("fulfilled", "1Z-TRACK-9")
    assert paid_order.timeline.last().actor.startswith("staff:")


def test_mark_fulfilled_without_a_tracking_number_changes_nothing(admin_client, paid_order):
    response = step(admin_client, paid_order, "fulfil", tracking_number="  ")

    assert told(response) == [
        f"Could not mark {paid_order.number} fulfilled: "
        "a tracking number (1 to 100 characters) is needed to fulfil"
    ]
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.tracking_number) == ("paid", "")


def test_mark_delivered(admin_client, paid_order):
    order_fulfil(number=paid_order.number, tracking_number="1Z", actor="staff:1")

    response = step(admin_client, paid_order, "deliver")

    assert told(response) == [f"{paid_order.number} marked delivered."]
    paid_order.refresh_from_db()
    assert paid_order.status == "delivered"


def test_cancel_asks_first_then_cancels(admin_client, place, mug, payments):
    order = place({mug: 1})

    asked = step(admin_client, order, "cancel")

    assert asked.status_code == 200
    assert "Cancel order " + order.number + "?" in asked.text
    assert 'name="confirmed"' in asked.text
    order.refresh_from_db()
    assert order.status == "pending_payment"

    done = step(admin_client, order, "cancel", confirmed="1", reason="customer phoned")

    assert told(done) == [f"{order.number} cancelled."]
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.timeline.last().reason == "customer phoned"
    assert payments.refunds == {}  # nothing was paid, nothing refunded


def test_refund_asks_first_then_goes_through_payments(admin_client, paid_order, payments):
    asked = step(admin_client, paid_order, "refund")
    assert "Refund order " + paid_order.number + " in full?" in asked.text
    assert payments.refunds == {}

    done = step(admin_client, paid_order, "refund", confirmed="1")

    assert [r.amount.format() for r in payments.refunds.values()] == ["€107.00"]
    assert told(done) == [
        f"{paid_order.number} sent for refund. It becomes Refunded when the gateway confirms."
    ]


def test_an_illegal_step_changes_nothing_and_says_why(admin_client, place, mug, payments):
    order = place({mug: 1})

    response = step(admin_client, order, "deliver")
    refund = step(admin_client, order, "refund", confirmed="1")

    assert told(response) == [
        f"Could not mark {order.number} delivered: it is Pending payment and cannot become "
        "Delivered."
    ]
    assert told(refund)[-1].startswith(f"Could not refund {order.number}:")
    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert history(order) == [("", "pending_payment")]
    assert payments.refunds == {}


def test_an_unknown_step_or_a_get_does_nothing(admin_client, paid_order):
    assert step(admin_client, paid_order, "ship-it").status_code == 404
    assert admin_client.get(f"{URL}{paid_order.pk}/step/deliver/").status_code == 405
    assert step(admin_client, Order(pk=999_999), "deliver").status_code == 404
    paid_order.refresh_from_db()
    assert paid_order.status == "paid"


def test_a_non_staff_user_gets_nothing(client, paid_order, shopper):
    client.force_login(shopper)

    shown = page(client, paid_order)
    tried = step(client, paid_order, "refund", confirmed="1")

    assert (shown.status_code, shown["Location"].split("?")[0]) == (302, "/admin/login/")
    assert (tried.status_code, tried["Location"].split("?")[0]) == (302, "/admin/login/")
    paid_order.refresh_from_db()
    assert paid_order.status == "paid"
    assert len(history(paid_order)) == 2


def test_staff_who_may_only_look_get_no_buttons(client, paid_order, payments):
    clerk = UserFactory(email="clerk@example.com", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(clerk)

    shown = page(client, paid_order)
    tried = step(client, paid_order, "refund", confirmed="1")

    assert shown.status_code == 200
    assert steps_offered(shown) == []
    assert tried.status_code == 403
    assert payments.refunds == {}


def test_a_step_without_the_csrf_token_is_refused(admin_user, paid_order, payments):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = step(client, paid_order, "refund", confirmed="1")

    assert response.status_code == 403
    assert payments.refunds == {}
