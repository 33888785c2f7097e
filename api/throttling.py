"""Per-user request throttling; the rate is read at request time so settings overrides apply."""

from django.conf import settings
from rest_framework import throttling

from api.cache_metrics import record_cache_error


class UserRateThrottle(throttling.UserRateThrottle):
    """API_THROTTLE_RATE requests per user (e.g. "600/min"); over it, a 429 envelope with retry_after."""

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE

    def allow_request(self, request, view) -> bool:
        # The throttle's history lives in the cache: when a cache that raises is down, serve rather than fail.
        try:
            return super().allow_request(request, view)
        except Exception as exc:
            record_cache_error(operation="throttle", error=exc)
            return True
