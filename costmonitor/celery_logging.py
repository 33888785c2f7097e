"""Celery logging: Django's structured LOGGING in workers and beat, and task id, run id and kind on every task line."""

import logging.config
from typing import Any

import structlog
from celery import signals
from django.conf import settings

logger = structlog.get_logger("costmonitor.tasks")
# Context tokens per running task id, so a finished task restores the context it found (eager tasks run inside
# a request and must not wipe the request's context).
_tokens: dict[str, Any] = {}


@signals.setup_logging.connect
def use_django_logging(**_kwargs: Any) -> None:
    """Connecting this signal stops Celery from installing its own handlers; ours format and mask instead.

    https://docs.celeryq.dev/en/stable/userguide/signals.html#setup-logging
    """
    logging.config.dictConfig(settings.LOGGING)


@signals.task_prerun.connect
def bind_task_context(*, task_id: str, task: Any, kwargs: dict | None = None, **_extra: Any) -> None:
    kwargs = kwargs or {}
    context = {"task_id": task_id, "task": task.name}
    # Collection tasks carry their kind as a task attribute, the run id and trigger as keyword arguments.
    kind = getattr(task, "kind", None) or kwargs.get("kind")
    if kind:
        context["kind"] = kind
    context.update({key: kwargs[key] for key in ("run_id", "trigger") if kwargs.get(key) is not None})
    _tokens[task_id] = structlog.contextvars.bind_contextvars(**context)
    logger.info("task started")


@signals.task_postrun.connect
def unbind_task_context(*, task_id: str, state: str | None = None, **_extra: Any) -> None:
    logger.info("task finished", state=state)
    tokens = _tokens.pop(task_id, None)
    if tokens:
        structlog.contextvars.reset_contextvars(**tokens)
