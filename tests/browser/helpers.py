"""Steps the browser tests share."""

from __future__ import annotations

from tests.accounts.factories import PASSWORD


def sign_in(page, base: str, email: str = "ada@example.com", next_path: str = "/") -> None:
    """Sign in through the real form and wait to land on `next_path`."""
    query = "" if next_path == "/" else f"?next={next_path}"
    page.goto(f"{base}/accounts/login/{query}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(base + next_path)
