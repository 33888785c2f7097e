"""beat's scheduler: django-celery-beat's DatabaseScheduler (schedules edited in the admin) with a heartbeat."""

from django_celery_beat.schedulers import DatabaseScheduler

from costmonitor import heartbeat


class HeartbeatScheduler(DatabaseScheduler):
    """Touches the `beat` heartbeat file after every tick, so the container healthcheck sees the loop turn.

    https://docs.celeryq.dev/en/stable/userguide/extending.html (beat's Service calls `tick()` in its loop)
    """

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        heartbeat.write(heartbeat.BEAT)
        return interval
