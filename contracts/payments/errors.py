"""Errors of the payments contract."""

from __future__ import annotations

from contracts.kernel.errors import Conflict, InvalidRequest, NotFound, Unavailable


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    title = "Payment not found."


class GatewayUnavailable(Unavailable):
    """The payment gateway did not answer (timeout, network, 5xx). Safe to retry: every call
    carries an idempotency key."""

    code = "gateway_unavailable"
    title = "The payment provider is unavailable."


class PaymentRejected(InvalidRequest):
    """The gateway refused the request itself (bad amount, unsupported currency)."""

    code = "payment_rejected"
    title = "The payment provider refused the request."


class RefundNotAllowed(Conflict):
    """Nothing (or not that much) is left to refund, or the payment never succeeded."""

    code = "refund_not_allowed"
    title = "This refund is not possible."
