"""Issue 12's proof in Chromium: the monolith's journey (tests/browser/journey.py's steps) walked
against the split shop — six services in their own processes and databases, their workers and
the nginx gateway, started by `tests.split.SplitShop` from the Plan `make run-split` uses. Sign
up, verify from the email (the notifications process sends it over SMTP to a sink on loopback),
search, add to cart, check out, the test card declined, retry on the same pay page, pay, the
order turns paid (the workers deliver PaymentSucceeded across processes), receipt arrives.

The test reads nothing of the services' data but pages and mail: they are other processes.
Screenshots: artifacts/screenshots/split-journey-NN-*.png."""

from __future__ import annotations

import os

import pytest

from tests.browser import journey
from tests.smtp import Inbox, text_of
from tests.split import NGINX, SplitShop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(NGINX is None, reason="needs nginx (apt-get install nginx); CI has it"),
    pytest.mark.timeout(300),
]
EMAIL = "grace.split@example.com"
LAMP = "Rechargeable table lamp"


class SMTPMailbox:
    """The journey's mailbox in the split shop: what the SMTP sink received."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    def texts_to(self, address: str) -> list[str]:
        return [text_of(message) for message in self.inbox.to(address)]


@pytest.fixture(scope="module")
def split_shop(tmp_path_factory):
    """One split shop for the module (about 50 s to migrate, seed and start)."""
    shop = SplitShop(
        tmp_path_factory.mktemp("split-journey"), database_url=os.environ.get("DATABASE_URL")
    )
    try:
        yield shop.open()
    finally:
        shop.close()


@pytest.fixture
def split_shot(shot):
    return lambda name: shot(name.replace("journey-", "split-journey-", 1))


def test_the_journey_through_the_gateway_of_the_split_shop(page, split_shot, split_shop):
    base, mailbox = split_shop.base, SMTPMailbox(split_shop.smtp.inbox)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme="light")

    journey.sign_up_and_verify(page, base, split_shot, mailbox, EMAIL)
    # The demo shop's (seeded with a fixed random seed): 82 in stock, free shipping from €50.
    journey.search_and_add_to_cart(page, base, split_shot, "table lamp", LAMP)
    journey.check_out_to_a_new_address(page, base, split_shot, "€59.00")
    number = journey.pay_declined_then_accepted(page, base, split_shot)
    journey.see_it_paid(page, split_shot)  # the real workers, no draining

    receipt = split_shop.wait_for_mail(EMAIL, f"Your receipt for order {number}")
    assert "€59.00" in text_of(receipt)
    subjects = [str(m["Subject"]) for m in split_shop.smtp.inbox.to(EMAIL)]
    assert sum(s.startswith(f"We've received your order {number}") for s in subjects) == 1
    assert sum(s.startswith(f"Your receipt for order {number}") for s in subjects) == 1
