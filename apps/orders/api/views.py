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
from apps.orders.services.actions import order_cancel
from apps.orders.services.checkout import order_place_or_replay
from contracts.accounts.dto import CustomerDTO
from contracts.accounts.service import accounts_service
from contracts.orders.dto import OrderStatus, ShippingAddressDTO
from contracts.orders.errors import IllegalTransition
from contracts.payments.dto import PaymentCustomer

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", {"type": "string", "minLength": 8, "maxLength": 64},
    OpenApiParameter.HEADER, required=True,
    description="8–64 characters. Repeating a request with the same key returns the first "
    "order (header Idempotent-Replayed: true) and never places a second one.",
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
    503: OpenApiResponse(description="`gateway_unavailable`: the payment provider did not "
                         "answer; retry with the same key."),
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
        return selectors.customer_orders(self.request.user.pk).prefetch_related("lines", "timeline")

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
        if not 8 <= len(key) <= 64:
            raise serializers.ValidationError(
                {"Idempotency-Key": ["send an Idempotency-Key header of 8 to 64 characters"]}
            )
        body = PlaceOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = accounts_service().get_customer(request.user.pk)
        order, replay = order_place_or_replay(
            customer=PaymentCustomer(customer_id=person.id, email=person.email, name=person.name),
            address=self._address(person, body.validated_data),
            idempotency_key=key,
        )
        # The order is the caller's (placed for them, or replayed by their own key): only its
        # lines and timeline are left to read.
        prefetch_related_objects([order], "lines", "timeline")
        headers = {"Idempotent-Replayed": "true"} if replay else {}
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
        order = self.get_object()
        if order.state not in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_FAILED):
            raise IllegalTransition(
                f"order {order.number} is {order.status}: only unpaid orders can be cancelled",
                details={"from": order.status, "to": "cancelled"},
            )
        order_cancel(number=order.number, actor=f"customer:{request.user.pk}",
                     reason="cancelled by the customer")  # fmt: skip
        return Response(OrderSerializer(self.get_object()).data)
