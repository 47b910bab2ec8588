"""allauth's emails go through the task queue like every other email.

allauth renders the email (its templates, dressed in the shop's layout) inside the request; the
adapter hands the result to notifications, whose worker sends it with the outbox's retries. An
SMTP outage therefore delays a verification or password-reset email but never breaks sign-up.
It lives in the composition root because accounts calls no other service (ARCHITECTURE rule 2):
the pages are accounts', the email is notifications' business.
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMessage, EmailMultiAlternatives

from contracts.notifications.dto import AccountEmailDTO
from contracts.notifications.service import notifications_service


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    def send_mail(self, template_prefix: str, email: str, context_: dict[str, Any]) -> None:
        """As allauth's, but queued instead of sent inside the request."""
        request = context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context_)
        message = self.render_mail(template_prefix, email, ctx)
        text, html = parts(message)
        notifications_service().queue_account_email(
            AccountEmailDTO(
                key=uuid.uuid4(), recipient=email, subject=message.subject, text=text, html=html
            )
        )


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies of a message allauth rendered (either may be empty)."""
    if message.content_subtype == "html":
        return "", str(message.body)
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(c) for c, mimetype in message.alternatives if mimetype == "text/html"), "")
    return str(message.body), html
