"""Fakes of the cart and payments contracts, so orders are tested against promises, not apps.
The catalog stays real: stock, reservations and prices are the thing under test."""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from contracts.cart import service as cart_contract
from contracts.cart.dto import BLOCKING, CartDTO, CartLineDTO, CartMerge, LineFlag
from contracts.cart.errors import CartNotFound
from contracts.catalog.dto import ProductDTO, StockLine
from contracts.catalog.service import catalog_service
from contracts.kernel.money import Money
from contracts.kernel.service import ServiceHealth
from contracts.payments import service as payments_contract
from contracts.payments.dto import (
    PaymentCustomer,
    PaymentDTO,
    PaymentFigures,
    PaymentSession,
    PaymentStatus,
    RefundDTO,
)
from contracts.payments.errors import (
    GatewayUnavailable,
    PaymentNotFound,
    PaymentRejected,
    RefundNotAllowed,
)


@dataclass
class FakeCart:
    """Customers' carts held in memory: `put(customer_id, product, quantity)`, priced and checked
    by the real catalog on every read, as the cart contract promises (tests/contracts checks it).
    It holds no anonymous cart and no price from the past: a line costs what the catalog says,
    and there is never an anonymous cart to merge."""

    lines: dict[int, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    cleared: list[tuple[str, str]] = field(default_factory=list)
    meanwhile: list[tuple[int, int]] = field(default_factory=list)

    def health(self) -> ServiceHealth:
        return ServiceHealth(cart_contract.SERVICE, cart_contract.VERSION, ok=True)

    def put(self, customer_id: int, product_id: int, quantity: int) -> None:
        self.lines[customer_id][product_id] = quantity

    def held_meanwhile(self, product_id: int, quantity: int) -> None:
        """Right after the next read of a cart, another shopper's checkout holds `quantity` of
        the product: the race between a checkout's cart read and its reservation."""
        self.meanwhile.append((product_id, quantity))

    def get_cart(self, cart_id: str) -> CartDTO:
        customer_id = _customer_of(cart_id)
        if customer_id is None or customer_id not in self.lines:
            raise CartNotFound(f"no cart {cart_id!r}", details={"cart_id": cart_id})
        return self.get_customer_cart(customer_id)

    def get_customer_cart(self, customer_id: int) -> CartDTO:
        if customer_id not in self.lines:
            return _summary("", customer_id, ())  # nothing stored until something is added
        # A snapshot, as the real cart reads one in a transaction: a concurrent checkout may
        # clear this cart between reading its products and its quantities.
        wanted = dict(self.lines[customer_id])
        products = catalog_service().get_products(tuple(wanted))
        lines = tuple(_line(product, wanted[product.id]) for product in products)
        while self.meanwhile:
            product_id, quantity = self.meanwhile.pop(0)
            catalog_service().reserve_stock(
                (StockLine(product_id, quantity),), f"meanwhile-{uuid.uuid4().hex}", 600
            )
        return _summary(f"cart-{customer_id}", customer_id, lines)

    def clear_cart(self, cart_id: str, reason: str) -> None:
        self.cleared.append((cart_id, reason))
        customer_id = _customer_of(cart_id)
        if customer_id is not None and customer_id in self.lines:
            self.lines[customer_id].clear()  # the cart stays, empty

    def item_count(self, customer_id: int | None = None, cart_id: str = "") -> int:
        if customer_id is None:
            return 0  # the fake holds no anonymous cart
        return sum(self.lines.get(customer_id, {}).values())

    def merge_cart(self, cart_id: str, customer_id: int) -> CartMerge:
        return CartMerge()  # no anonymous cart to merge, and a customer's is never merged


def _customer_of(cart_id: str) -> int | None:
    number = cart_id.removeprefix("cart-")
    return int(number) if cart_id.startswith("cart-") and number.isdigit() else None


def _line(product: ProductDTO, quantity: int) -> CartLineDTO:
    flags: tuple[LineFlag, ...] = ()
    if not product.is_active:
        flags = (LineFlag.INACTIVE,)
    elif product.available <= 0:
        flags = (LineFlag.SOLD_OUT,)
    elif quantity > product.available:
        flags, quantity = (LineFlag.CAPPED,), product.available
    blocked = not BLOCKING.isdisjoint(flags)
    return CartLineDTO(
        product_id=product.id,
        sku=product.sku,
        name=product.name,
        slug=product.slug,
        image_url=product.image_url,
        unit_price=product.price,
        added_price=product.price,
        quantity=quantity,
        available=product.available,
        line_total=Money.zero(product.price.currency) if blocked else product.price * quantity,
        flags=flags,
    )


def _summary(cart_id: str, customer_id: int, lines: tuple[CartLineDTO, ...]) -> CartDTO:
    currency = lines[0].unit_price.currency if lines else settings.CATALOG_CURRENCY
    buyable = [line for line in lines if BLOCKING.isdisjoint(line.flags)]
    count = sum(line.quantity for line in buyable)
    return CartDTO(
        id=cart_id,
        customer_id=customer_id,
        currency=currency,
        lines=lines,
        item_count=count,
        subtotal=sum((line.line_total for line in buyable), Money.zero(currency)),
        checkout_ready=bool(lines) and len(buyable) == len(lines) and count > 0,
    )


@dataclass
class FakePayments:
    """A gateway that answers at once, keeping the payments contract (tests/contracts runs its
    conformance suite on it). `fail_with` makes start_payment and refund raise it. The shopper
    pays with `pay(payment_ref)` (there is no pay page: `pay_url` is None), and `fail(payment_ref)`
    is the gateway reporting a failed payment; outcomes are not
    published here: tests publish PaymentSucceeded/Failed/Refunded themselves."""

    fail_with: Exception | None = None
    started: dict[str, PaymentSession] = field(default_factory=dict)
    refunds: dict[str, RefundDTO] = field(default_factory=dict)
    refund_calls: list[str] = field(default_factory=list)  # each call's key, repeats included
    paid: set[str] = field(default_factory=set)  # payment refs the shopper paid
    failed: dict[str, datetime] = field(default_factory=dict)  # payment ref → when it failed
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def health(self) -> ServiceHealth:
        return ServiceHealth(
            payments_contract.SERVICE, payments_contract.VERSION, ok=True, detail="gateway: fake"
        )

    def start_payment(
        self, order_ref: str, amount: Money, customer: PaymentCustomer, idempotency_key: str
    ) -> PaymentSession:
        if amount.amount <= 0:
            raise PaymentRejected("a payment must be for more than nothing")
        if self.fail_with is not None:
            raise self.fail_with
        if idempotency_key not in self.started:
            self.started[idempotency_key] = PaymentSession(
                payment_ref=f"pay_{next(self.counter)}",
                order_ref=order_ref,
                status=PaymentStatus.REQUIRES_PAYMENT,
                amount=amount,
                gateway="fake",
                client_secret=None,
                pay_url=None,
            )
        return self.started[idempotency_key]

    def pay(self, payment_ref: str) -> None:
        """The shopper paid `payment_ref` (the real service learns it from its gateway)."""
        self._session(payment_ref)
        self.paid.add(payment_ref)

    def fail(self, payment_ref: str) -> None:
        """The gateway reports that `payment_ref` failed (the real service hears it from the
        gateway's intent)."""
        self._session(payment_ref)
        self.failed.setdefault(payment_ref, timezone.now())

    def refund(
        self, payment_ref: str, amount: Money, reason: str, idempotency_key: str
    ) -> RefundDTO:
        self.refund_calls.append(idempotency_key)
        if idempotency_key in self.refunds:
            return self.refunds[idempotency_key]
        session = self._session(payment_ref)
        status = self._status(session)
        if status not in (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED):
            raise RefundNotAllowed(f"payment {payment_ref} is {status.value}")
        if amount.currency != session.amount.currency or amount.amount <= 0:
            raise RefundNotAllowed("the refund must be a positive amount in the payment's currency")
        left = session.amount - self._refunded(session)
        if amount.amount > left.amount:
            raise RefundNotAllowed(
                f"only {left.format()} is left to refund", details={"refundable": str(left.amount)}
            )
        if self.fail_with is not None:
            raise self.fail_with
        refund = RefundDTO(f"re_{len(self.refunds)}", payment_ref, amount, "succeeded")
        return self.refunds.setdefault(idempotency_key, refund)

    def get_payment(self, order_ref: str) -> PaymentDTO:
        for session in reversed(self.started.values()):  # the latest first
            if session.order_ref == order_ref:
                return PaymentDTO(
                    session.payment_ref,
                    order_ref,
                    self._status(session),
                    session.amount,
                    self._refunded(session),
                    "fake",
                    "",
                    f"fake_{session.payment_ref}",
                )
        raise PaymentNotFound(f"no payment for order {order_ref!r}")

    def figures(self, since: datetime) -> PaymentFigures:
        return PaymentFigures(failed=sum(at >= since for at in self.failed.values()))

    def _session(self, payment_ref: str) -> PaymentSession:
        for session in self.started.values():
            if session.payment_ref == payment_ref:
                return session
        raise PaymentNotFound(f"no payment {payment_ref!r}")

    def _refunded(self, session: PaymentSession) -> Money:
        mine = (r.amount for r in self.refunds.values() if r.payment_ref == session.payment_ref)
        return sum(mine, Money.zero(session.amount.currency))

    def _status(self, session: PaymentSession) -> PaymentStatus:
        if session.payment_ref in self.failed:
            return PaymentStatus.FAILED
        if session.payment_ref not in self.paid:
            return PaymentStatus.REQUIRES_PAYMENT
        refunded = self._refunded(session)
        if refunded.amount == 0:
            return PaymentStatus.SUCCEEDED
        if refunded.amount < session.amount.amount:
            return PaymentStatus.PARTIALLY_REFUNDED
        return PaymentStatus.REFUNDED


def unavailable() -> GatewayUnavailable:
    return GatewayUnavailable("the gateway timed out")
