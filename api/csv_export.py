"""CSV export (`?format=csv`) for finance users: rows streamed from the database, never held in memory."""

import csv
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from api.envelope import EnvelopeJSONRenderer


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


class _Closing:
    """The body's lines, and `on_close` called when the response is closed (a WSGI server closes what it
    streams, read to the end or not; the lines' own `finally` would not run when they were never started), or
    else when it is collected. `on_close` may be called more than once.
    """

    def __init__(self, lines: Iterator[str], on_close: Callable[[], None]) -> None:
        self.lines, self.on_close = lines, on_close
        weakref.finalize(self, on_close)

    def __iter__(self) -> Iterator[str]:
        return self.lines

    def close(self) -> None:
        try:
            self.lines.close()
        finally:
            self.on_close()


def stream_csv(
    rows: Iterable[dict], *, columns: Sequence[str], filename: str, on_close: Callable[[], None] = lambda: None
) -> StreamingHttpResponse:
    """A streamed CSV download of `rows` (dicts), one header line then one line per row; `on_close()` once it ends."""
    writer = csv.writer(_Echo())

    def lines():
        try:
            yield writer.writerow(columns)
            for row in rows:
                yield writer.writerow([row.get(c, "") for c in columns])
        finally:  # read to the end: done, whether or not the response is ever closed
            on_close()

    response = StreamingHttpResponse(_Closing(lines(), on_close), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
