"""The design's response envelope, built once: every /api/ and /health body goes through `envelope`."""

from typing import Any

from django.utils import timezone
from rest_framework.renderers import JSONRenderer


def envelope(*, data: Any = None, error: dict | None = None, metadata: dict | None = None) -> dict:
    """`{"status", "data", "metadata": {"timestamp", "cached", "cache_age", …}, "error"}` as the design defines it."""
    return {
        "status": "error" if error else "success",
        "data": None if error else data,
        "metadata": {
            "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
            "cached": False,
            "cache_age": None,
            **(metadata or {}),
        },
        "error": error,
    }


class EnvelopeJSONRenderer(JSONRenderer):
    """Wraps a view's data (or the exception handler's error body) in the envelope.

    Views set `response.envelope_metadata` (cache state, pagination); error responses carry the
    `{"code", "message", "details"}` body from `api.errors`. The browsable API renders through this
    renderer too, so it shows the envelope.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            if response.status_code >= 400:
                data = envelope(error=data)
            else:
                data = envelope(data=data, metadata=getattr(response, "envelope_metadata", None))
        return super().render(data, accepted_media_type, renderer_context)
