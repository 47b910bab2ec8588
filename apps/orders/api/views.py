"""The orders REST API: a customer's own orders, and placing one idempotently."""

from __future__ import annotations

from django.db.models import QuerySet, prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.orders import selectors
from apps.orders.api.serializers import PLACE_ORDER, OrderSerializer, PlaceOrderSerializer
from apps.orders.models import Order
from apps.orders.services.actions import order_cancel_by_customer
from apps.orders.services.checkout import order_checkout
from contracts.accounts.dto import CustomerDTO
from contracts.accounts.service import accounts_service
from contracts.orders.dto import (
    IDEMPOTENCY_KEY_MAX,
    IDEMPOTENCY_KEY_MIN,
    ShippingAddressDTO,
    idempotency_key_problem,
)
from contracts.payments.dto import PaymentCustomer

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": IDEMPOTENCY_KEY_MIN, "maxLength": IDEMPOTENCY_KEY_MAX},
    OpenApiParameter.HEADER, required=True,
    description=f"{IDEMPOTENCY_KEY_MIN}–{IDEMPOTENCY_KEY_MAX} characters. Repeating a request "
    "with the same key returns the first order (header Idempotent-Replayed: true) and never "
    "places a second one.",
)  # fmt: skip


REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    {"type": "string", "enum": ["true"]},
    OpenApiParameter.HEADER,
    response=[201],
    description="Present when the key was seen before: this is that order.",
)
PLACED = {
    201: OrderSerializer,
    404: OpenApiResponse(description="`address_not_found`: `address_id` is not one of yours."),
    409: OpenApiResponse(description="`out_of_stock`: an item sold out meanwhile; "
                         "`idempotency_key_reused`: the key was used for another request."),
    422: OpenApiResponse(description="`cart_not_ready`: the cart is empty, or holds items "
                         "that can no longer be bought; `invalid_request`."),
    503: OpenApiResponse(description="`unavailable`: the shop could not take the order now "
                         "(the stock or the payment service did not answer); nothing was "
                         "charged: retry with the same key."),
}  # fmt: skip
CANCELLED = {
    200: OrderSerializer,
    409: OpenApiResponse(description="`illegal_transition`: only unpaid orders can be cancelled."),
}


class OrderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Order]
):
    """Your orders, newest first. Another customer's order number answers 404."""

    serializer_class = OrderSerializer
    permission_classes = (permissions.IsAuthenticated,)
    lookup_field = "number"
    lookup_value_regex = r"[A-Z0-9-]{1,20}"

    def get_queryset(self) -> QuerySet[Order]:
        return selectors.customer_orders(self.request.user.pk).prefetch_related(
            "lines", "timeline", "refunds"
        )

    def get_object(self) -> Order:
        return selectors.order_for_customer(self.request.user.pk, self.kwargs["number"])

    @extend_schema(
        summary="Place an order from your cart",
        request=PLACE_ORDER,
        parameters=[IDEMPOTENCY_HEADER, REPLAYED],
        responses=PLACED,
    )
    def create(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        problem = idempotency_key_problem(key)
        if problem is not None:  # a malformed header is a 400, as a malformed body is
            raise serializers.ValidationError({"Idempotency-Key": [problem]})
        body = PlaceOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = accounts_service().get_customer(request.user.pk)
        result = order_checkout(
            customer=PaymentCustomer(customer_id=person.id, email=person.email, name=person.name),
            address=self._address(person, body.validated_data),
            idempotency_key=key,
        )
        order = result.placed_order()  # or the 409 naming what sold out, or the 503
        # The order is the caller's (placed for them, or replayed by their own key): only its
        # lines and timeline are left to read.
        prefetch_related_objects([order], "lines", "timeline", "refunds")
        headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return Response(
            OrderSerializer(order).data, status=status.HTTP_201_CREATED, headers=headers
        )

    @staticmethod
    def _address(person: CustomerDTO, data: dict[str, object]) -> ShippingAddressDTO:
        if "address_id" in data:
            address_id = int(data["address_id"])  # type: ignore[call-overload]
            default = person.default_address
            saved = (
                default  # already read with the customer: the usual choice costs no call
                if default is not None and default.id == address_id
                else accounts_service().get_address(person.id, address_id)
            )
            return ShippingAddressDTO(
                full_name=saved.full_name, line1=saved.line1, line2=saved.line2, city=saved.city,
                postal_code=saved.postal_code, region=saved.region, country=saved.country,
                phone=saved.phone,
            )  # fmt: skip
        fields = dict(data["address"])  # type: ignore[call-overload]
        fields["country"] = str(fields["country"]).upper()
        return ShippingAddressDTO(**{k: str(v).strip() for k, v in fields.items()})

    @extend_schema(request=None, responses=CANCELLED)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, number: str) -> Response:
        """Cancel an unpaid order (its stock is released, nothing is charged)."""
        order = order_cancel_by_customer(customer_id=request.user.pk, number=number)
        prefetch_related_objects([order], "lines", "timeline")
        return Response(OrderSerializer(order).data)
