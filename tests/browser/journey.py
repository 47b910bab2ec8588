"""The shopper's journey in steps, for any shop address: the monolith under live_server
(test_journey.py) and the split shop behind its gateway (test_split_journey.py) walk the same
steps. Each step takes the base URL, and the email steps a `Mailbox`: where the shop's mail for
an address turns up (Django's test outbox after the tasks ran, or a real SMTP sink)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Protocol

from playwright.sync_api import Page, expect

from tests.accounts.factories import PASSWORD
from tests.browser.test_checkout_journey import pay_with_card

Shot = Callable[[str], object]
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\S+)")


class Mailbox(Protocol):
    def texts_to(self, address: str) -> list[str]:
        """The plain-text bodies of the mail sent to `address` so far."""
        ...


def link_in_mail(
    mailbox: Mailbox, address: str, pattern: re.Pattern[str], timeout: float = 30
) -> str:
    """The first group of `pattern` in a mail to `address`, waiting for it up to `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        texts = mailbox.texts_to(address)
        for text in texts:
            if match := pattern.search(text):
                return match.group(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {address} matching {pattern.pattern}: {texts}")
        time.sleep(0.3)


def sign_up_and_verify(page: Page, base: str, shot: Shot, mailbox: Mailbox, email: str) -> None:
    """Sign up on allauth's page, open the link in the verification mail, confirm: signed in."""
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)", exact=True).fill(PASSWORD)
    shot("journey-01-sign-up")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(base + "/accounts/confirm-email/")
    shot("journey-02-verification-sent")

    page.goto(base + link_in_mail(mailbox, email, CONFIRM_LINK))
    shot("journey-03-confirm-email")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Account")).to_be_visible()  # verified and signed in


def search_and_add_to_cart(page: Page, base: str, shot: Shot, query: str, name: str) -> None:
    """Search the product list for `query`, open `name` from the results, add one to the cart."""
    page.goto(base + "/products/")
    page.get_by_label("Search").fill(query)
    results = page.locator("#results")
    expect(results).to_contain_text(f"for “{query}”")  # htmx swapped the results in
    shot("journey-04-search")
    results.get_by_role("link", name=name).first.click()
    page.wait_for_url(f"{base}/p/**")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-count")).to_have_text("1")
    shot("journey-05-added-to-cart")


def check_out_to_a_new_address(page: Page, base: str, shot: Shot, total: str) -> None:
    """Fill the checkout's new address and place the order: on the pay page."""
    page.goto(base + "/checkout/")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Address line 1").fill("1 Navy Yard")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("Postal code").fill("22202")
    page.get_by_label("Country").select_option("US")
    shot("journey-06-checkout")
    page.get_by_role("button", name=f"Place order · {total}").click()
    page.wait_for_url(f"{base}/pay/**")
    expect(page.get_by_text("Test mode — use card 4242")).to_be_visible()
    shot("journey-07-pay-page")


def pay_declined_then_accepted(
    page: Page, base: str, shot: Shot, between: Callable[[], None] = lambda: None
) -> str:
    """The declining test card, then at once on the same page 4242: the order's page, pending
    payment; returns the order's number. `between` runs after the decline (a test's checks)."""
    pay_with_card(page, "4000 0000 0000 0002")
    expect(page.get_by_role("alert")).to_contain_text("declined the card")
    expect(page.get_by_label("Card number")).to_have_attribute("aria-invalid", "true")
    shot("journey-08-declined")

    between()  # at once, whatever the worker is doing: the payment is still open
    shot("journey-09-pay-again")
    pay_with_card(page, "4242 4242 4242 4242")
    page.wait_for_url(re.compile(re.escape(base) + r"/orders/[A-Z0-9-]+/$"))
    expect(page.locator(".status")).to_have_text("Pending payment")
    shot("journey-10-order-pending")
    return page.url.rstrip("/").rsplit("/", 1)[1]


def see_it_paid(page: Page, shot: Shot, settle: Callable[[], object] = lambda: None) -> None:
    """The order's page, polling, turns Paid once the workers (`settle`) delivered the events."""
    settle()
    expect(page.locator(".status")).to_have_text("Paid", timeout=20_000)  # the page polled
    shot("journey-11-order-paid")
