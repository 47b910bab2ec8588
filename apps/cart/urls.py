"""The cart pages, mounted at the site root."""

from django.urls import URLPattern, URLResolver, path

from apps.cart import views

app_name = "cart"

urlpatterns: list[URLPattern | URLResolver] = [
    path("cart/", views.cart_page, name="detail"),
    path("cart/add/", views.add, name="add"),
    path("cart/count/", views.count, name="count"),
    path("cart/empty/", views.empty, name="empty"),
    path("cart/items/<int:product_id>/", views.update, name="update"),
    path("cart/items/<int:product_id>/remove/", views.remove, name="remove"),
]
