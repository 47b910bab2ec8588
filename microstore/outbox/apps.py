from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "microstore.outbox"
    label = "outbox"
    verbose_name = "Outbox and schedule"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microstore.outbox import tracing

        tracing.connect()
