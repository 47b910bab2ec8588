from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "microstore.ops"
    label = "ops"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from microstore.ops import processes

        processes.install()
