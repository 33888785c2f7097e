"""URL routes of the REST API, its OpenAPI schema and docs, and the health endpoint."""

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import permissions
from rest_framework.routers import DefaultRouter

from api.views.accounts import AccountViewSet
from api.views.anomalies import AnomalyViewSet
from api.views.budgets import BudgetViewSet
from api.views.commitments import CommitmentViewSet
from api.views.cost_categories import CostCategoryViewSet
from api.views.costs import CostViewSet
from api.views.focus import FocusViewSet
from api.views.forecast import ForecastViewSet
from api.views.health import HealthView, LiveView, ReadyView
from api.views.not_found import UnknownPathView
from api.views.optimization import OptimizationViewSet
from api.views.resources import ResourceViewSet
from api.views.root import ApiRootView
from api.views.runs import RunViewSet
from api.views.tags import TagViewSet

router = DefaultRouter()
router.APIRootView = ApiRootView
# /api/costs and /api/costs/ both answer; the constructor only takes a bool, hence the attribute.
router.trailing_slash = "/?"
router.register("costs", CostViewSet, basename="costs")
router.register("forecast", ForecastViewSet, basename="forecast")
router.register("tags", TagViewSet, basename="tags")
router.register("cost-categories", CostCategoryViewSet, basename="cost-categories")
router.register("resources", ResourceViewSet, basename="resources")
router.register("optimization", OptimizationViewSet, basename="optimization")
router.register("accounts", AccountViewSet, basename="accounts")
router.register("runs", RunViewSet, basename="runs")
router.register("focus", FocusViewSet, basename="focus")
router.register("budgets", BudgetViewSet, basename="budgets")
router.register("anomalies", AnomalyViewSet, basename="anomalies")
router.register("commitments", CommitmentViewSet, basename="commitments")

# /api/redoc/'s additions to the CSP. ReDoc's styled-components add <style> elements carrying the page's nonce
# (ReDoc's `nonce` option); the bundle's style-loader inserts one before ReDoc starts, an empty <style> and then
# perfect-scrollbar's CSS, admitted by their hashes (the browser test in tests/security/test_csp_browser.py fails
# when a sidecar upgrade changes them). Its search index runs in a worker made from a blob of its own bundle.
REDOC_CSP = {
    "style-src": [
        NONCE,
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    ],
    "worker-src": [SELF, "blob:"],
}

# The schema and its UI describe the API, not its data: readable without credentials.
PUBLIC = {"permission_classes": [permissions.AllowAny], "authentication_classes": [], "throttle_classes": []}

urlpatterns = [
    path("health", HealthView.as_view(), name="health"),
    path("health/live", LiveView.as_view(), name="health-live"),
    path("health/ready", ReadyView.as_view(), name="health-ready"),
    path("api/schema/", SpectacularAPIView.as_view(**PUBLIC), name="schema"),
    # The split view serves its start script from /api/docs/?script, so the page needs no inline script (CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html", **PUBLIC),
        name="swagger-ui",
    ),
    path(
        "api/redoc/",
        csp_update(REDOC_CSP)(
            SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html", **PUBLIC)
        ),
        name="redoc",
    ),
    path("api/", include(router.urls)),
    re_path(r"^api/", UnknownPathView.as_view(), name="api-unknown"),
]
