"""Staff drive orders from the admin, through the same services: every legal move, nothing else."""

from __future__ import annotations

import pytest

from apps.orders.services.actions import order_fulfil
from apps.orders.services.lifecycle import order_transition
from contracts.orders.dto import OrderStatus

pytestmark = pytest.mark.django_db
URL = "/admin/orders/order/"


@pytest.fixture
def paid_order(place, mug, payments):
    order = place({mug: 1})
    payments.pay(order.payment_ref)
    return order_transition(number=order.number, to=OrderStatus.PAID, actor="payments")


def act(admin_client, action, *orders, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in orders], **extra}
    return admin_client.post(URL, data, follow=True)


def test_staff_find_orders_by_number_email_and_status(admin_client, paid_order, place, mug):
    pending = place({mug: 1})
    listing = admin_client.get(URL + f"?q={paid_order.number}")
    assert [o.number for o in listing.context["cl"].result_list] == [paid_order.number]
    by_status = admin_client.get(URL + "?status__exact=pending_payment")
    assert [o.number for o in by_status.context["cl"].result_list] == [pending.number]
    by_email = admin_client.get(URL + "?q=ada@example.com")
    assert len(by_email.context["cl"].result_list) == 2


def test_mark_fulfilled_asks_for_tracking_numbers_first(admin_client, paid_order):
    page = act(admin_client, "mark_fulfilled", paid_order)
    assert b"Tracking numbers" in page.content
    paid_order.refresh_from_db()
    assert paid_order.status == "paid"

    done = act(
        admin_client, "mark_fulfilled", paid_order, apply="1", **{paid_order.number: "1Z-TRACK-9"}
    )
    assert b"1 order(s) marked fulfilled." in done.content
    paid_order.refresh_from_db()
    assert (paid_order.status, paid_order.tracking_number) == ("fulfilled", "1Z-TRACK-9")
    assert paid_order.timeline.last().actor.startswith("staff:")


def test_an_illegal_action_says_why_and_changes_nothing(admin_client, place, mug):
    pending = place({mug: 1})
    response = act(admin_client, "mark_delivered", pending)
    assert b"it is Pending payment and cannot become Delivered." in response.content
    pending.refresh_from_db()
    assert pending.status == "pending_payment"


def test_cancel_and_refund_go_through_payments(admin_client, paid_order, payments, place, mug):
    act(admin_client, "refund_orders", paid_order)
    assert len(payments.refunds) == 1
    unpaid = place({mug: 1})
    act(admin_client, "cancel_orders", unpaid)
    unpaid.refresh_from_db()
    assert unpaid.status == "cancelled"


def test_staff_cannot_edit_an_order_by_hand(admin_client, paid_order):
    change = admin_client.get(f"{URL}{paid_order.pk}/change/")
    assert change.status_code == 200
    assert b'name="status"' not in change.content
    admin_client.post(f"{URL}{paid_order.pk}/change/", {"status": "delivered"})
    paid_order.refresh_from_db()
    assert paid_order.status == "paid"
    assert admin_client.get(URL + "add/").status_code == 403


def test_the_list_shows_totals_with_their_currency_and_finds_by_name_or_tracking(
    admin_client, paid_order, place, mug, lamp
):
    order_fulfil(number=paid_order.number, tracking_number="1Z-TRACK-7", actor="staff:1")
    place({lamp: 1})

    listing = admin_client.get(URL)
    by_tracking = admin_client.get(URL + "?q=1Z-TRACK-7")
    by_name = admin_client.get(URL + "?q=Lovelace")
    by_country = admin_client.get(URL + "?ship_country__exact=GB")

    assert '<td class="field-total_shown">€18.90</td>' in listing.text
    assert '<td class="field-status">Fulfilled</td>' in listing.text
    assert [o.number for o in by_tracking.context["cl"].result_list] == [paid_order.number]
    assert len(by_name.context["cl"].result_list) == 2
    assert list(by_country.context["cl"].result_list) == []
