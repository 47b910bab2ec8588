from django.apps import AppConfig
from django.conf import settings


class MicrostoreConfig(AppConfig):
    """The composition root as an app: binds services once every app is loaded."""

    name = "microstore"
    verbose_name = "Microstore"

    def ready(self) -> None:
        from django.core.signals import request_finished

        # checks register themselves
        from microstore import bindings, checks, context, dbrouter, strict_json  # noqa: F401

        strict_json.install()
        dbrouter.install()
        request_finished.connect(context.clear, dispatch_uid="microstore.context.clear")

        bindings.bind_all(settings.MICROSTORE_SERVICES)
        if settings.MICROSTORE_ROLE:
            from microstore import split_admin

            split_admin.install(settings.MICROSTORE_ROLE)
