"""The cart REST API, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from apps.cart.api.views import CartItemsView, CartItemView, CartView

urlpatterns: list[URLPattern | URLResolver] = [
    path("cart/", CartView.as_view(), name="cart"),
    path("cart/items/", CartItemsView.as_view(), name="cart-items"),
    path("cart/items/<int:product_id>/", CartItemView.as_view(), name="cart-item"),
]
