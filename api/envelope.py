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
_RENDERED_SLOT = json.dumps(_SLOT).encode()  # as any JSONRenderer renders it: "\x00" is escaped in every mode


class EnvelopeJSONRenderer(JSONRenderer):
    """Wraps a view's data (or the exception handler's error body) in the envelope.

    Views set `response.envelope_metadata` (cache state, pagination); error responses carry the
    `{"code", "message", "details"}` body from `api.errors`. The browsable API renders through this
    renderer too, so it shows the envelope. Data that is `RenderedJSON` costs no serializing: it is
    spliced in, unless the output is indented (the browsable API), which re-renders it.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        if isinstance(data, RenderedJSON) and self.get_indent(accepted_media_type, context):
            data = json.loads(data)
        response = context.get("response")
        if response is None:
            return data if isinstance(data, RenderedJSON) else super().render(data, accepted_media_type, context)
        if response.status_code >= 400:
            return super().render(envelope(error=data), accepted_media_type, context)
        metadata = getattr(response, "envelope_metadata", None)
        return self.render_success(data, metadata=metadata, accepted_media_type=accepted_media_type, context=context)

    def render_success(self, data, *, metadata: dict | None, accepted_media_type=None, context=None) -> bytes:
        """The success envelope of `data` with `metadata`, as a view's response renders it."""
        if not isinstance(data, RenderedJSON):
            return super().render(envelope(data=data, metadata=metadata), accepted_media_type, context)
        body = super().render(envelope(data=_SLOT, metadata=metadata), accepted_media_type, context)
        return body.replace(_RENDERED_SLOT, data, 1)
