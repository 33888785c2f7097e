"""App config for the REST API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from api import signals
        from api.metrics.exposition import cache_snapshot
        from collection.signals import metric_snapshot_published

        signals.connect()
        metric_snapshot_published.connect(cache_snapshot, dispatch_uid="api-metrics-cache-snapshot")
