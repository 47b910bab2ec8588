"""What the staff order page shows besides the order's own fields: the customer and the payment
(asked of their services, never read from their tables), the lines and the timeline in words,
and the next steps the transition table allows, each one a call to the service that does it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.orders.models import STATUS_CHOICES, Order
from apps.orders.services.actions import order_cancel, order_deliver, order_fulfil, order_refund
from apps.orders.transitions import can_move
from contracts.accounts.dto import CustomerDTO
from contracts.accounts.service import accounts_service
from contracts.kernel.errors import ContractError, NotFound
from contracts.kernel.money import Money
from contracts.orders.dto import OrderStatus
from contracts.payments.dto import PaymentDTO
from contracts.payments.service import payments_service

S = OrderStatus
LABELS = dict(STATUS_CHOICES)


def status_label(value: str) -> str:
    return LABELS.get(value, value)


def money(order: Order, amount: Any) -> str:
    return Money(amount, order.currency).format()


def _admin_url(name: str, *args: Any) -> str | None:
    """A page of another app's admin, by its URL name: None where that admin is not served
    (a process that does not host the app)."""
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


def customer_html(order: Order) -> SafeString:
    """The customer as the accounts service knows them now, linked to their admin page."""
    url = _admin_url("accounts_user_change", order.customer_id)
    try:
        customer: CustomerDTO | None = accounts_service().get_customer(order.customer_id)
    except NotFound:
        return format_html("Customer #{} (no longer exists)", order.customer_id)
    except ContractError as exc:
        customer, unavailable = None, exc.message
    name = (customer.name or customer.email) if customer else f"Customer #{order.customer_id}"
    link = format_html('<a href="{}">{}</a>', url, name) if url else name
    if customer is None:
        return format_html("{} (details unavailable: {})", link, unavailable)
    inactive = "" if customer.is_active else " · deactivated"
    return format_html("{}<br>{}{}", link, customer.email, inactive)


def address_html(order: Order) -> SafeString:
    lines = [
        order.ship_full_name,
        order.ship_line1,
        order.ship_line2,
        f"{order.ship_postal_code} {order.ship_city}".strip(),
        order.ship_region,
        order.ship_country,
        order.ship_phone,
    ]
    return linebreaksbr("\n".join(line for line in lines if line), autoescape=True)


def payment_of(order: Order) -> PaymentDTO | str:
    """The order's latest payment, or why there is none to show. Read once per page: the
    several payment fields of the page share it."""
    cached = getattr(order, "_admin_payment", None)
    if cached is None:
        try:
            cached = payments_service().get_payment(order.number)
        except NotFound:
            cached = "No payment yet."
        except ContractError as exc:
            cached = f"The payments service did not answer: {exc.message}"
        order._admin_payment = cached  # type: ignore[attr-defined]  # a per-request memo
    return cached


def payment_ref_html(payment: PaymentDTO) -> SafeString:
    url = _admin_url("payments_payment_by_ref", payment.payment_ref)
    if url is None:
        return format_html("{}", payment.payment_ref)
    return format_html('<a href="{}">{}</a>', url, payment.payment_ref)


def payment_status_label(payment: PaymentDTO) -> str:
    return payment.status.value.replace("_", " ").capitalize()


def actor_label(actor: str) -> str:
    """`customer:4` → "Customer #4", `payments` → "Payments"."""
    kind, _, who = actor.partition(":")
    return f"{kind.capitalize()} #{who}" if who else kind.capitalize()


@dataclass(frozen=True)
class Moment:
    when: Any
    change: str
    actor: str
    reason: str


def timeline(order: Order) -> list[Moment]:
    """The audit trail in words: "Pending payment → Paid"; a note (a refund asked for) keeps
    the status it was written in."""
    moments = []
    for event in order.timeline.all():
        to = status_label(event.to_status)
        if event.from_status and event.from_status != event.to_status:
            change = f"{status_label(event.from_status)} → {to}"
        else:
            change = to
        moments.append(Moment(event.created_at, change, actor_label(event.actor), event.reason))
    return moments


@dataclass(frozen=True)
class Step:
    """A button on the page: the move it makes, how it is worded, and the one service it calls
    (`run(order, actor, form data)`). Whether it is offered is the transition table's say."""

    name: str
    label: str
    target: OrderStatus
    past: str  # "3 order(s) marked fulfilled."
    verb: str  # "Could not mark MS-… fulfilled: …"
    run: Callable[[Order, str, Mapping[str, str]], Any]
    question: str = ""  # asked first, for a step that cannot be undone
    note: str = ""  # what happens next, when the step only starts something

    def done(self, number: str) -> str:
        return " ".join(part for part in (f"{number} {self.past}.", self.note) if part)


def _reason(data: Mapping[str, str], default: str) -> str:
    return data.get("reason", "").strip()[:200] or default


def _fulfil(order: Order, actor: str, data: Mapping[str, str]) -> Order:
    tracking = data.get("tracking_number", "")
    return order_fulfil(number=order.number, tracking_number=tracking, actor=actor)


def _deliver(order: Order, actor: str, data: Mapping[str, str]) -> Order:
    return order_deliver(number=order.number, actor=actor)


def _cancel(order: Order, actor: str, data: Mapping[str, str]) -> Order:
    reason = _reason(data, "cancelled by staff")
    return order_cancel(number=order.number, actor=actor, reason=reason)


def _refund(order: Order, actor: str, data: Mapping[str, str]) -> Order:
    reason = _reason(data, "refunded by staff")
    return order_refund(number=order.number, actor=actor, reason=reason)


STEPS = (
    Step(
        name="fulfil",
        label="Mark fulfilled",
        target=S.FULFILLED,
        past="marked fulfilled",
        verb="mark {number} fulfilled",
        run=_fulfil,
    ),
    Step(
        name="deliver",
        label="Mark delivered",
        target=S.DELIVERED,
        past="marked delivered",
        verb="mark {number} delivered",
        run=_deliver,
    ),
    Step(
        name="cancel",
        label="Cancel order",
        target=S.CANCELLED,
        past="cancelled",
        verb="cancel {number}",
        run=_cancel,
        question="Cancel order {number}? A paid order is refunded in full and its stock put "
        "back; an unpaid one lets its stock go. This cannot be undone.",
    ),
    Step(
        name="refund",
        label="Refund",
        target=S.REFUNDED,
        past="sent for refund",
        note="It becomes Refunded when the gateway confirms.",
        verb="refund {number}",
        run=_refund,
        question="Refund order {number} in full? The gateway pays back all that is left of "
        "the payment. This cannot be undone.",
    ),
)
STEP_BY_NAME = {step.name: step for step in STEPS}


@dataclass(frozen=True)
class Line:
    sku: str
    name: str
    quantity: int
    unit_price: str
    line_total: str


def lines(order: Order) -> list[Line]:
    return [
        Line(
            line.sku,
            line.name,
            line.quantity,
            money(order, line.unit_price),
            money(order, line.line_total),
        )
        for line in order.lines.all()
    ]


def legal_steps(order: Order) -> list[Step]:
    return [step for step in STEPS if can_move(order.state, step.target)]


def failure_message(step: Step, order: Order, exc: ContractError) -> str:
    """Why a step did not happen, in the page's words where the service says which move it
    refused, else in the service's own words."""
    moved = exc.details.get("from"), exc.details.get("to")
    if all(isinstance(value, str) for value in moved) and moved[0] != moved[1]:
        source, target = (status_label(str(value)) for value in moved)
        why = f"it is {source} and cannot become {target}."
    else:
        why = exc.message
    return f"Could not {step.verb.format(number=order.number)}: {why}"
