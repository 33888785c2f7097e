"""Root URL configuration: admin, the REST API, health and metrics."""

from django.contrib import admin
from django.urls import include, path

from api.metrics.views import metrics_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("api.urls")),
    path("metrics", metrics_view, name="metrics"),
]
