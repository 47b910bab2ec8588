"""Issue 12's outage proof, on the split shop's real processes: with the notifications service
stopped (its web server and its worker), five orders are placed and paid through the gateway;
orders' worker keeps trying to hand OrderPlaced and OrderPaid to notifications and fails (the
connection is refused), backing off. Once every one of those deliveries has failed at least
three times (two retries after the first try) notifications starts again, and every
confirmation and every receipt reaches the SMTP sink exactly once.

The backoff is shortened (1 s doubling, at most 3 s, instead of 2 s up to 15 min) so that the
outage lasts OUTAGE_SECONDS (at least) rather than the issue's minute: the retries are what
matter, and CI's time is short."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections import Counter

import pytest

from apps.accounts.demo import SHOPPER
from tests.split import NGINX, Browser, SplitShop

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="needs nginx (apt-get install nginx); CI has it"),
    pytest.mark.timeout(360),
]
ORDERS = 5
OUTAGE_SECONDS = 10  # at least; and until each delivery has failed MIN_ATTEMPTS times
MIN_ATTEMPTS = 3
NOTIFIED = ("notifications.order_placed", "notifications.order_paid")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    shop = SplitShop(
        tmp_path_factory.mktemp("split-outage"),
        database_url=os.environ.get("DATABASE_URL"),
        extra_env={"OUTBOX_BACKOFF_SECONDS": "1", "OUTBOX_BACKOFF_MAX_SECONDS": "3"},
    )
    try:
        yield shop.open()
    finally:
        shop.close()


def sign_in(shop: SplitShop) -> Browser:
    shopper = Browser(shop.base)
    assert shopper.get("/accounts/login/")[0] == 200
    email, password = SHOPPER
    signed_in = shopper.post("/accounts/login/", {"login": email, "password": password})
    assert signed_in[0] == 302, signed_in[1][-1500:]
    return shopper


def products_in_stock(shopper: Browser, count: int) -> list[str]:
    found: list[str] = []
    listing = shopper.get("/products/")[1]
    for slug in re.findall(r'href="(/p/[a-z0-9-]+/)"', listing):
        if match := re.search(r'name="product_id" value="(\d+)"', shopper.get(slug)[1]):
            found.append(match.group(1))
        if len(found) == count:
            return found
    raise AssertionError(f"only {len(found)} products in stock on the first page")


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} in the form:\n{html[-2000:]}"
    return match.group(1)


def buy_and_pay(shopper: Browser, product_id: str) -> str:
    """Add one to the cart, check out to a new address, pay with 4242; the order's number."""
    added = shopper.post("/cart/add/", {"product_id": product_id, "quantity": "1"})
    assert added[0] == 302, added[1][-1500:]
    checkout = shopper.get("/checkout/")
    assert checkout[0] == 200, checkout[1][-1500:]
    placed = shopper.post(
        "/checkout/",
        {
            "address": "new",
            "full_name": "Ada Lovelace",
            "line1": "1 Main St",
            "city": "Lyon",
            "postal_code": "69001",
            "country": "FR",
            "idempotency_key": hidden(checkout[1], "idempotency_key") or uuid.uuid4().hex,
        },
    )
    assert placed[0] == 302, placed[1][-2000:]
    pay_path = placed[2]["Location"]
    assert pay_path.startswith("/pay/"), pay_path
    form = shopper.get(pay_path)
    assert form[0] == 200, form[1][-1500:]
    card = {"number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada"}
    paid = shopper.post(pay_path, {**card, "attempt": hidden(form[1], "attempt")})
    assert paid[0] == 302, paid[1][-2000:]
    number = re.fullmatch(r"/orders/([A-Z0-9-]+)/", paid[2]["Location"])
    assert number, paid[2]["Location"]
    return number.group(1)


def notifications_deliveries(shop: SplitShop) -> list[tuple[str, str, int]]:
    """(subscriber, status, attempts) of orders' deliveries to notifications, read-only."""
    rows = shop.read(
        "orders",
        "SELECT subscriber, status, attempts FROM outbox_delivery WHERE subscriber IN (%s, %s)",
        NOTIFIED,
    )
    return [(str(s), str(status), int(str(n))) for s, status, n in rows]


def test_with_notifications_stopped_five_paid_orders_get_each_email_exactly_once(shop):
    shopper = sign_in(shop)
    products = products_in_stock(shopper, ORDERS)

    shop.stop("notifications")
    stopped_at = time.monotonic()
    numbers = [buy_and_pay(shopper, product) for product in products]
    # Placed and paid: orders heard PaymentSucceeded from payments (both up) and published
    # OrderPaid, which waits for notifications like OrderPlaced does.
    shop.wait_until(
        lambda: len(notifications_deliveries(shop)) == 2 * ORDERS,
        60,
        "every OrderPlaced and OrderPaid waiting for notifications",
    )
    shop.wait_until(
        lambda: (
            all(n >= MIN_ATTEMPTS for *_, n in notifications_deliveries(shop))
            and time.monotonic() - stopped_at >= OUTAGE_SECONDS
        ),
        90,
        f"every delivery tried {MIN_ATTEMPTS} times",
    )
    during = notifications_deliveries(shop)
    outage = time.monotonic() - stopped_at
    assert {status for _, status, _ in during} <= {"pending", "running"}, during
    assert shop.smtp.inbox.to(SHOPPER[0]) == [], "nothing is sent while notifications is down"

    shop.start("notifications")
    wanted = {f"We've received your order {n}" for n in numbers} | {
        f"Your receipt for order {n}" for n in numbers
    }

    def subjects() -> Counter[str]:
        return Counter(str(m["Subject"]).split(" · ")[0] for m in shop.smtp.inbox.to(SHOPPER[0]))

    shop.wait_until(lambda: wanted <= set(subjects()), 90, "every email sent")
    time.sleep(3)  # a duplicate would come from a retry, a backoff (at most 3 s) later
    assert subjects() == Counter(dict.fromkeys(wanted, 1)), (subjects(), f"outage {outage:.0f} s")
    after = notifications_deliveries(shop)
    assert {status for _, status, _ in after} == {"delivered"}, after
    print(f"outage {outage:.1f} s, attempts per delivery: {sorted(n for *_, n in during)}")
