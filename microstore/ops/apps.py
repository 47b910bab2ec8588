from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "microstore.ops"
    label = "ops"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.tasks.signals import task_finished

        from microstore.ops.recorder import recorder

        # The task worker writes its samples and errors as tasks finish.
        task_finished.connect(_flush, dispatch_uid="ops-flush")
        del recorder


def _flush(**kwargs: object) -> None:
    from microstore.ops.recorder import recorder

    recorder.maybe_flush()
