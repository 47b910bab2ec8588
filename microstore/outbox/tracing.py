"""Tasks carry the request id of whoever enqueued them.

A task row written during a request (or during a delivery that runs under the publishing
request's id) records that id beside its arguments (``args_kwargs["request_id"]``, which the
backend ignores); the worker puts it back in the log context while the task runs. So an email
sent by a task enqueued by a subscriber of an event published by a checkout logs the checkout's
request id.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_save
from django.tasks.signals import task_finished, task_started
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from microstore import context

KEY = "request_id"


def _stamp(sender: object, instance: DBTaskResult[Any, Any], **kwargs: Any) -> None:
    rid = context.request_id.get()
    if instance._state.adding and rid != "-" and isinstance(instance.args_kwargs, dict):
        instance.args_kwargs.setdefault(KEY, rid)


def _ours(sender: object) -> bool:
    """The database backend's worker (the sender is its instance on start, its class on
    finish); an immediate backend runs tasks inside the request, whose context must stay."""
    return isinstance(sender, DatabaseBackend) or sender is DatabaseBackend


def _adopt(sender: object, task_result: Any, **kwargs: Any) -> None:
    if not _ours(sender):
        return
    stored = DBTaskResult.objects.filter(pk=task_result.id).values_list("args_kwargs", flat=True)
    found = next(iter(stored), None)
    if isinstance(found, dict) and found.get(KEY):
        context.request_id.set(str(found[KEY]))


def _forget(sender: object, task_result: Any, **kwargs: Any) -> None:
    if _ours(sender):
        context.clear()


def connect() -> None:
    pre_save.connect(_stamp, sender=DBTaskResult, dispatch_uid="tracing-stamp")
    task_started.connect(_adopt, dispatch_uid="tracing-adopt")
    task_finished.connect(_forget, dispatch_uid="tracing-forget")
