from django.urls import path

from apps.payments import views, webhooks

app_name = "payments"

urlpatterns = [
    path("pay/<str:payment_ref>/", views.pay, name="pay"),
    path("pay/<str:payment_ref>/done/", views.done, name="done"),
    path("pay/<str:payment_ref>/cancel/", views.abandon, name="abandon"),
    path("webhooks/stripe/", webhooks.stripe_webhook, name="stripe-webhook"),
]
