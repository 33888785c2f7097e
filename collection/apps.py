"""App config for the collection domain: AWS cost history, collectors, schedules."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CollectionConfig(AppConfig):
    name = "collection"
    verbose_name = "AWS cost collection"

    def ready(self) -> None:
        from collection.services.default_schedule import seed_after_migrate

        post_migrate.connect(seed_after_migrate, sender=self)
