"""The browsable API's renderer, on a template with no inline style, so the Content-Security-Policy admits it."""

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    # DRF's base template inlines pygments' highlighting CSS (`<style>{{ code_style }}</style>`), which
    # style-src 'self' refuses; ours keeps its stylesheets and drops that one (only Markdown code used it).
    template = "api/browsable_api.html"
