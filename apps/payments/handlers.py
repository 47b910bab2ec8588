"""How payments hears from orders: an order cancelled (by its shopper, by staff, or because its
stock hold expired) closes its open payment, so no card can be charged for it afterwards."""

from __future__ import annotations

from apps.payments.models import Payment
from apps.payments.services import payment_abandon
from contracts.kernel.events import subscribe
from contracts.orders.events import OrderCancelled
from contracts.payments.dto import PaymentStatus


@subscribe(OrderCancelled, name="payments.order_cancelled")
def on_order_cancelled(event: OrderCancelled) -> None:
    open_ = Payment.objects.filter(
        order_ref=event.order.number, status=PaymentStatus.REQUIRES_PAYMENT.value
    ).values_list("payment_ref", flat=True)
    for payment_ref in list(open_):
        # Idempotent; a GatewayUnavailable raises, and the outbox delivers the event again.
        payment_abandon(payment_ref=payment_ref, reason=f"the order was cancelled: {event.reason}")
