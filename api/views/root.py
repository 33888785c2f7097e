"""/api/: what the API is, where its documentation is, and the link to each endpoint."""

from django.urls import reverse
from rest_framework import routers
from rest_framework.response import Response


class ApiRootView(routers.APIRootView):
    """The costmonitor REST API: AWS costs collected from Cost Explorer, with forecasts, cost by tag, savings
    recommendations, the organization's accounts, its AWS budgets and cost anomalies, and the collection history.

    Read-only JSON (or CSV with `format=csv` where offered) in one envelope, `{status, data, metadata, error}`;
    authenticate with `Authorization: Token <token>`. Documented at /api/docs/ (Swagger UI) and /api/redoc/
    (ReDoc), from the OpenAPI schema at /api/schema/.
    """

    def get(self, request, *args, **kwargs):
        # DRF's root lists the endpoints; the documentation's addresses lead it, for a reader arriving here.
        endpoints = super().get(request, *args, **kwargs).data
        docs = {
            "docs": request.build_absolute_uri(reverse("swagger-ui")),
            "redoc": request.build_absolute_uri(reverse("redoc")),
            "schema": request.build_absolute_uri(reverse("schema")),
        }
        return Response({**docs, **endpoints})
