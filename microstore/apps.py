from django.apps import AppConfig
from django.conf import settings


class MicrostoreConfig(AppConfig):
    """The composition root as an app: binds services once every app is loaded."""

    name = "microstore"
    verbose_name = "Microstore"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from microstore import bindings, checks, context  # noqa: F401  # checks register themselves

        request_finished.connect(context.clear, dispatch_uid="microstore.context.clear")

        bindings.bind_all(settings.MICROSTORE_SERVICES)
