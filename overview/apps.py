"""The overview app: its templates and static files (the page's script, style and the vendored Chart.js)."""

from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "Cost overview"
