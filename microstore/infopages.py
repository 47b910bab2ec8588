"""The shop's information pages for shoppers: contact, shipping, returns, privacy and terms.

They are `django.contrib.flatpages` pages, so staff edit them in the admin (Flat pages); this
module knows their addresses (the footer links to them without a query) and the demo text a
fresh shop starts with. A data migration and `seed_demo` both call `seed_info_pages`, which
never overwrites a page staff have edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

PREFIX = "/pages/"


@dataclass(frozen=True)
class InfoPage:
    slug: str
    label: str  # the footer's link text
    title: str
    content: str

    @property
    def url(self) -> str:
        return f"{PREFIX}{self.slug}/"


INFO_PAGES = (
    InfoPage(
        "contact",
        "Contact",
        "Contact us",
        "<p>We answer every message within one working day.</p>"
        '<h2>Email</h2><p>Write to <a href="mailto:help@microstore.test">help@microstore.test</a>'
        " and quote your order number (it starts with MS-) if your question is about an order.</p>"
        "<h2>Phone</h2><p>+33 1 23 45 67 89, Monday to Friday, 9:00 to 17:00 (Paris time).</p>"
        "<h2>Post</h2><p>Microstore, 1 Rue de Rivoli, 75001 Paris, France.</p>",
    ),
    InfoPage(
        "shipping",
        "Shipping",
        "Shipping",
        "<p>We ship from Paris, Monday to Friday. Orders paid before 14:00 leave the same day.</p>"
        "<h2>Costs</h2><p>Shipping is free from €50; below that it costs €4.90. "
        "The checkout shows the exact amount before you pay.</p>"
        "<h2>Delivery times</h2><ul><li>France: 1 to 2 working days</li>"
        "<li>European Union: 2 to 5 working days</li><li>Elsewhere: 5 to 10 working days</li></ul>"
        "<h2>Tracking</h2><p>Once your order leaves us, its page under Orders shows the tracking"
        " number, and we email it to you.</p>",
    ),
    InfoPage(
        "returns",
        "Returns",
        "Returns and refunds",
        "<p>You may return anything within 30 days of delivery, for any reason.</p>"
        "<h2>How to return</h2><ol><li>Email us with your order number.</li>"
        "<li>Pack the items in their original packaging.</li>"
        "<li>Send them with the prepaid label we email back.</li></ol>"
        "<h2>Refunds</h2><p>We refund the card you paid with within 5 working days of receiving"
        " the parcel. Your order page shows what was refunded and when.</p>",
    ),
    InfoPage(
        "privacy",
        "Privacy",
        "Privacy",
        "<p>We keep only what we need to sell to you and deliver your orders.</p>"
        "<h2>What we keep</h2><ul><li>Your email address and password (stored hashed)</li>"
        "<li>Your addresses and orders</li><li>Your cart, for as long as you keep it</li></ul>"
        "<h2>What we never keep</h2><p>Your card details: the payment provider takes them"
        " directly.</p><h2>Cookies</h2><p>One cookie keeps you signed in and holds your cart,"
        " one protects forms against forgery and one remembers your colour theme. "
        "No advertising or tracking cookies.</p><h2>Your rights</h2><p>Ask us to see, correct or"
        " delete what we hold about you at any time.</p>",
    ),
    InfoPage(
        "terms",
        "Terms",
        "Terms of sale",
        "<p>These terms apply to every order placed on this shop.</p>"
        "<h2>Prices</h2><p>Prices include VAT. The price you pay is the one shown at checkout.</p>"
        "<h2>Payment</h2><p>Your card is charged when you place the order. If an item turns out"
        " to be unavailable, we refund it in full.</p><h2>Withdrawal</h2><p>You have 30 days from"
        " delivery to change your mind: see Returns.</p><h2>Disputes</h2><p>Contact us first;"
        " French law applies.</p>",
    ),
)


def site_values() -> dict[str, str]:
    """The Site row's fields (allauth and flatpages read it) taken from our own settings."""
    return {"domain": urlsplit(settings.SITE_URL).netloc or "localhost", "name": settings.SITE_NAME}


def seed_info_pages(
    flatpage_model: Any = None, site_model: Any = None, *, using: str = "default"
) -> int:
    """Create the information pages that do not exist yet, on the current site; returns how
    many were created. Idempotent; pages that exist (perhaps edited by staff) are left as they
    are. A migration passes its historical models and its database."""
    if flatpage_model is None or site_model is None:
        from django.contrib.flatpages.models import FlatPage
        from django.contrib.sites.models import Site

        flatpage_model, site_model = FlatPage, Site
    site, _ = site_model.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults=site_values()
    )
    created = 0
    for info in INFO_PAGES:
        page, new = flatpage_model.objects.using(using).get_or_create(
            url=info.url, defaults={"title": info.title, "content": info.content}
        )
        page.sites.add(site)
        created += new
    return created
