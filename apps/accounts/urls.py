"""The customer's own pages, under /account/ (sign-in pages are allauth's, under /accounts/)."""

from django.urls import URLPattern, URLResolver, path

from apps.accounts import views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("account/", views.profile, name="profile"),
    path("account/addresses/", views.address_list, name="addresses"),
    path("account/addresses/new/", views.address_add, name="address-add"),
    path("account/addresses/<int:address_id>/edit/", views.address_edit, name="address-edit"),
    path("account/addresses/<int:address_id>/delete/", views.address_delete, name="address-delete"),
    path(
        "account/addresses/<int:address_id>/default/",
        views.address_make_default,
        name="address-default",
    ),
]
