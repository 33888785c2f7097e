"""Unknown paths under /api/: a 404 envelope whatever DEBUG is (Django's handler404 only acts without DEBUG)."""

from rest_framework import exceptions, permissions
from rest_framework.views import APIView

from api.fields import echo


class UnknownPathView(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []
    schema = None  # not an endpoint: kept out of the OpenAPI document

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.NotFound(f"No endpoint at {echo(request.path)}.")

    get = post = put = patch = delete = head = options = http_method_not_allowed
