from django.urls import path

from microstore.ops import views

app_name = "ops"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("deliveries/replay/", views.replay_deliveries, name="replay-deliveries"),
    path("notifications/resend/", views.resend_notifications, name="resend-notifications"),
]
