"""Per-user request throttling; the rate is read at request time so settings overrides apply."""

from django.conf import settings
from rest_framework import throttling


class UserRateThrottle(throttling.UserRateThrottle):
    """API_THROTTLE_RATE requests per user (e.g. "600/min"); over it, a 429 envelope with retry_after."""

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE
