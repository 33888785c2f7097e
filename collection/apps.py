"""App config for the collection domain: AWS cost history, collectors, schedules."""

from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "collection"
    verbose_name = "AWS cost collection"
