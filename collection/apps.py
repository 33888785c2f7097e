"""App config for the collection domain: AWS cost history, collectors, schedules."""

from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "collection"
    verbose_name = "AWS cost collection"

    def ready(self) -> None:
        from celery.signals import beat_init

        from collection.services.default_schedule import seed_on_beat_start

        beat_init.connect(seed_on_beat_start, weak=False)
