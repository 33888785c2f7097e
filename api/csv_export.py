"""CSV export (`?format=csv`) for finance users: rows streamed from the database, never held in memory."""

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from api.envelope import EnvelopeJSONRenderer
from collection.data_source import DEMO
from collection.selectors import latest_data_source


class CSVRenderer(BaseRenderer):
    """Lets content negotiation accept `?format=csv`; the view streams the body itself (`stream_csv`).

    Whatever else reaches this renderer (an OPTIONS description) has no rows: it leaves as the JSON envelope.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return EnvelopeJSONRenderer().render(data, "application/json", renderer_context)


class _Echo:
    """csv.writer's file: hands each formatted line back instead of buffering it."""

    def write(self, value: str) -> str:
        return value


def stream_csv(rows: Iterable[dict], *, columns: Sequence[str], filename: str) -> StreamingHttpResponse:
    """A streamed CSV download of `rows` (dicts), one header line then one line per row.

    Demo data must never pass for a real bill once it leaves costmonitor: its file is named `…_DEMO.csv` and carries
    a last column `data_source`, `demo` on every row.
    """
    writer = csv.writer(_Echo())
    demo = latest_data_source() == DEMO
    if demo:
        filename = filename.removesuffix(".csv") + "_DEMO.csv"

    def lines():
        yield writer.writerow([*columns, *(["data_source"] if demo else [])])
        for row in rows:
            yield writer.writerow([*(row.get(c, "") for c in columns), *([DEMO] if demo else [])])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
