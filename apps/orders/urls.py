from django.urls import path

from apps.orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.history, name="history"),
    path("orders/<str:number>/", views.detail, name="detail"),
    path("orders/<str:number>/cancel/", views.cancel, name="cancel"),
    path("orders/<str:number>/retry-payment/", views.retry_payment, name="retry-payment"),
]
