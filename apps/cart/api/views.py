"""The cart REST API: the caller's own cart, never anyone else's.

Signed-in clients (session or token) get their persistent cart; an anonymous client gets a
session cart, kept by the session cookie like the pages' one. Errors are problem+json with a
stable `code`: product_not_found, product_unavailable, quantity_out_of_range,
cart_line_not_found, validation_error.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.cart import selectors, services
from apps.cart.api.serializers import (
    AddItemSerializer,
    CartChangeSerializer,
    CartSerializer,
    SetQuantitySerializer,
)
from apps.cart.results import LineChange
from apps.cart.session import owner_of, remember
from contracts.catalog.dto import ProductDTO


class CsrfUnlessToken(permissions.IsAuthenticatedOrReadOnly):
    """A cart in an anonymous session is reached by its cookie alone: unsafe requests that carry
    no token pass Django's CSRF check, as the pages' forms do. (DRF checks CSRF only for users
    signed in by session; a token client needs none.) Reads always pass, which the base class
    tells the schema."""

    def has_permission(self, request: Request, view: object) -> bool:
        if request.method in permissions.SAFE_METHODS or request.auth is not None:
            return True
        if not request.user.is_authenticated:
            SessionAuthentication().enforce_csrf(request)
        return True


def _problem(description: str) -> OpenApiResponse:
    # microstore.schema gives every 4xx its problem+json body.
    return OpenApiResponse(description=description)


NOT_IN_CART = _problem("`cart_line_not_found`: the cart does not hold that product.")
BAD_QUANTITY = _problem("`quantity_out_of_range`: 1 to 99 (0 removes, when setting).")
BAD_DATA = _problem("`validation_error`: a field is missing or not a whole number.")
SET_QUANTITY = {
    "type": "object",
    "properties": {"quantity": {"type": "integer", "minimum": 0, "maximum": 99,
                                "description": "0 removes the line."}},
    "required": ["quantity"],
}  # fmt: skip
UNAVAILABLE = _problem("`product_unavailable`: no longer sold, or sold out; nothing changed.")


class CartAPIView(APIView):
    # Anyone may have a cart (AllowAny also tells the schema that no credentials are needed).
    permission_classes = (permissions.AllowAny, CsrfUnlessToken)

    def cart_data(self, request: Request, *, known: tuple[ProductDTO, ...] = ()) -> dict[str, Any]:
        cart = selectors.owner_cart_dto(owner_of(request), known=known)
        return dict(CartSerializer(cart).data)

    def change_data(self, request: Request, change: LineChange) -> dict[str, Any]:
        fields = ("product_id", "wanted", "quantity", "capped")
        summary = {name: getattr(change, name) for name in fields}
        summary["message"] = change.message()
        # The changed line's product was read from the catalog for the change a moment ago.
        known = (change.product,) if change.product is not None else ()
        return {"change": summary, "cart": self.cart_data(request, known=known)}


class CartView(CartAPIView):
    """The caller's cart, priced and checked against the catalog now."""

    @extend_schema(
        operation_id="cart_retrieve",
        summary="Get your cart, priced and checked against the catalog now",
        responses={200: CartSerializer},
        tags=["cart"],
    )
    def get(self, request: Request) -> Response:
        return Response(self.cart_data(request))

    @extend_schema(
        operation_id="cart_empty",
        summary="Empty the cart",
        description="Remove every line. Idempotent.",
        responses={204: OpenApiResponse(description="Emptied (or already empty).")},
        tags=["cart"],
    )
    def delete(self, request: Request) -> Response:
        services.cart_empty(owner=owner_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartItemsView(CartAPIView):
    @extend_schema(
        operation_id="cart_items_add",
        summary="Add a product (quantities add up, capped at what is available)",
        request=AddItemSerializer,
        responses={
            201: OpenApiResponse(CartChangeSerializer, "A new line."),
            200: OpenApiResponse(CartChangeSerializer, "Added to the product's line."),
            400: BAD_DATA,
            404: _problem("`product_not_found`."),
            409: UNAVAILABLE,
            422: BAD_QUANTITY,
        },
        tags=["cart"],
    )
    def post(self, request: Request) -> Response:
        data = AddItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.cart_add(owner=owner_of(request), **data.validated_data)
        remember(request, change.cart_id)
        code = status.HTTP_201_CREATED if change.created else status.HTTP_200_OK
        return Response(self.change_data(request, change), status=code)


class CartItemView(CartAPIView):
    @extend_schema(
        operation_id="cart_items_update",
        summary="Set a line's quantity (0 removes it; capped at what is available)",
        # Written out: for PATCH the schema generator would make `quantity` optional.
        request={"application/json": SET_QUANTITY},
        responses={
            200: CartChangeSerializer,
            400: BAD_DATA,
            404: NOT_IN_CART,
            409: UNAVAILABLE,
            422: BAD_QUANTITY,
        },  # fmt: skip
        tags=["cart"],
    )
    def patch(self, request: Request, product_id: int) -> Response:
        data = SetQuantitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.cart_set_quantity(
            owner=owner_of(request), product_id=product_id, **data.validated_data
        )
        return Response(self.change_data(request, change))

    @extend_schema(
        operation_id="cart_items_remove",
        summary="Remove a line",
        responses={204: OpenApiResponse(description="Removed."), 404: NOT_IN_CART},
        tags=["cart"],
    )
    def delete(self, request: Request, product_id: int) -> Response:
        services.cart_remove(owner=owner_of(request), product_id=product_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
