"""Content negotiation where `?format=` must name a renderer of the view."""

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class StrictFormatNegotiation(DefaultContentNegotiation):
    """An empty or unknown `?format=` is a 400 naming the field.

    DRF silently ignores an empty value (answering JSON) and turns an unknown one into a bare 404;
    both hide the caller's mistake. https://www.django-rest-framework.org/api-guide/content-negotiation/
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        value = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        formats = sorted({renderer.format for renderer in renderers})
        if value is not None and value not in formats:
            raise exceptions.ValidationError(
                {"format": [f"Unknown format {value!r}; one of: {', '.join(formats)}."]}, code="invalid_choice"
            )
        if value is None and format_suffix is None and request.META.get("HTTP_ACCEPT", "*/*") == "*/*":
            # What DRF answers for "*/*" (or no Accept header: scripts, curl), without parsing media types
            # on every request of the cached hot path.
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
