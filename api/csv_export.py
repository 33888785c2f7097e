"""CSV export (`?format=csv`) for finance users: rows streamed as they are read, never all held as Python objects."""

import csv
import io
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from rest_framework.fields import SkipField
from rest_framework.renderers import BaseRenderer
from rest_framework.serializers import Serializer

from api.envelope import EnvelopeJSONRenderer
from collection.data_source import DEMO
from collection.selectors import latest_data_source

# Lines per chunk of a streamed export: one write per chunk, not per line.
CHUNK_ROWS = 500


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


def row_values(serializer: type[Serializer], columns: Sequence[str]) -> Callable[[Any], list]:
    """`values(row)`: the `columns` of `row` as `serializer(row).data` has them ("" for a field it leaves out).

    Its fields are bound once, where a serializer per row would copy every field of it again: an export of tens of
    thousands of rows spent most of its time there, holding the GIL that /health waits for.
    """
    fields = serializer().fields
    chosen = [fields[column] for column in columns]

    def values(row) -> list:
        found = []
        for field in chosen:
            try:
                attribute = field.get_attribute(row)
            except SkipField:
                attribute = None
            found.append("" if attribute is None else field.to_representation(attribute))
        return found

    return values


def stream_csv(
    rows: Iterable,
    *,
    values: Callable[[Any], list],
    columns: Sequence[str],
    filename: str,
    on_close: Callable[[], None] = lambda: None,
    demo_column: bool = True,
) -> StreamingHttpResponse:
    """A streamed CSV download of `rows`: a header line of `columns`, then a line of `values(row)` per row (e.g.
    `row_values`), sent CHUNK_ROWS lines at a time; `on_close()` once it ends.

    Demo data must never pass for a real bill once it leaves costmonitor: its file is named `…_DEMO.csv` and carries
    a last column `data_source`, `demo` on every row (unless not `demo_column`: rows that name their source).
    """
    demo = latest_data_source() == DEMO
    marker = [DEMO] if demo and demo_column else []
    if demo:
        filename = demo_filename(filename)

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        try:
            writer.writerow([*columns, *(["data_source"] if marker else [])])
            for number, row in enumerate(rows, start=1):
                writer.writerow([*values(row), *marker])
                if number % CHUNK_ROWS == 0:
                    yield _drain(buffer)
            yield _drain(buffer)
        finally:  # read to the end: done, whether or not the response is ever closed
            on_close()

    response = StreamingHttpResponse(_Closing(lines(), on_close), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def demo_filename(filename: str) -> str:
    """`filename` marked as demo data: `costs.csv` → `costs_DEMO.csv`."""
    stem, dot, suffix = filename.rpartition(".")
    return f"{stem}_DEMO{dot}{suffix}" if dot else f"{filename}_DEMO"


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
