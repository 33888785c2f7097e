"""Content negotiation where `?format=` must name a renderer of the view."""

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings


def wants_default_renderer(request) -> bool:
    """No `?format=` and no preference in Accept ("*/*" or none: scripts, curl): the first renderer, JSON.

    Decided without parsing media types, for the cached hot path.
    """
    return api_settings.URL_FORMAT_OVERRIDE not in request.GET and request.META.get("HTTP_ACCEPT", "*/*") == "*/*"


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
        if format_suffix is None and wants_default_renderer(request):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
