"""Root URL configuration: the cost overview, admin, the REST API, health and metrics."""

from django.contrib import admin
from django.urls import include, path

from api.metrics.views import metrics_view
from overview.views import overview

urlpatterns = [
    path("", overview, name="overview"),
    path("admin/", admin.site.urls),
    path("", include("api.urls")),
    path("metrics", metrics_view, name="metrics"),
]

# Errors Django raises itself (outside DRF views) still leave /api/ and /health as envelopes.
handler400 = "api.errors.bad_request"
handler403 = "api.errors.permission_denied"
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"
