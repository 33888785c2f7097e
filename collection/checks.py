"""System checks of settings that only make sense together (run by `manage.py check` and `migrate`)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def visibility_timeout_exceeds_time_limit(**_kwargs) -> list[checks.CheckMessage]:
    """Redis hands an unacknowledged task out again after its visibility timeout. Collections acknowledge late,
    so that timeout must exceed the hard time limit: only then is a task delivered again only once its worker is
    gone, which the single-flight lock relies on to let the new delivery take over the old one's lease.
    https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
    """
    timeout = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("visibility_timeout")
    if timeout is None or timeout > settings.CELERY_TASK_TIME_LIMIT:
        return []
    return [
        checks.Warning(
            f"CELERY_VISIBILITY_TIMEOUT ({timeout} s) does not exceed CELERY_TASK_TIME_LIMIT "
            f"({settings.CELERY_TASK_TIME_LIMIT} s): a slow but healthy collection would be delivered again "
            "and run twice at once.",
            hint="Raise CELERY_VISIBILITY_TIMEOUT or lower CELERY_TASK_TIME_LIMIT.",
            id="costmonitor.W001",
        )
    ]
