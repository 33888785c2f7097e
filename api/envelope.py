"""The design's response envelope, built once: every /api/ and /health body goes through `envelope`."""

import json
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


class RenderedJSON(bytes):
    """A view's `data` already rendered to JSON (what the cache keeps), put into the envelope as is."""

    @classmethod
    def of(cls, data: Any) -> "RenderedJSON":
        return cls(JSONRenderer().render(data))


# Stands for a RenderedJSON in the envelope while the rest is rendered; a string no data or metadata holds.
_SLOT = "\x00rendered-data\x00"


class EnvelopeJSONRenderer(JSONRenderer):
    """Wraps a view's data (or the exception handler's error body) in the envelope.

    Views set `response.envelope_metadata` (cache state, pagination); error responses carry the
    `{"code", "message", "details"}` body from `api.errors`. The browsable API renders through this
    renderer too, so it shows the envelope. Data that is `RenderedJSON` costs no serializing: it is
    spliced in, unless the output is indented (the browsable API), which re-renders it.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        rendered = None
        if isinstance(data, RenderedJSON):
            if self.get_indent(accepted_media_type, renderer_context or {}):
                data = json.loads(data)
            else:
                data, rendered = _SLOT, data
        if response is not None:
            if response.status_code >= 400:
                data = envelope(error=data)
            else:
                data = envelope(data=data, metadata=getattr(response, "envelope_metadata", None))
        body = super().render(data, accepted_media_type, renderer_context)
        if rendered is not None:
            body = body.replace(super().render(_SLOT), rendered, 1)
        return body
