"""/api/focus: the stored history as FOCUS 1.2 rows, a CSV or Parquet download."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.http import FileResponse
from rest_framework import viewsets

from api.csv_export import CSVRenderer, demo_filename, stream_csv
from api.params import FocusParams, parse_query
from api.result_caps import check_rows
from api.schema import download_schema
from api.scopes import request_scope
from api.views.base import slot_export
from collection.data_source import DEMO
from collection.focus_columns import COLUMN_NAMES
from collection.focus_export import record_maker, write_parquet
from collection.selectors import latest_data_source
from collection.selectors.focus import FocusRows
from costmonitor.masking import public_account_id

PARQUET = (
    "application/vnd.apache.parquet"  # https://www.iana.org/assignments/media-types/application/vnd.apache.parquet
)


class ParquetRenderer(CSVRenderer):
    """Lets `?format=parquet` be negotiated; the view answers the file itself, anything else the JSON envelope."""

    media_type = PARQUET
    format = "parquet"
    charset = None


class FocusViewSet(viewsets.ViewSet):
    renderer_classes = [CSVRenderer, ParquetRenderer]

    @download_schema(
        params=FocusParams,
        formats={"csv": "text/csv", "parquet": PARQUET},
        summary="The cost history as FOCUS 1.2",
        description="Every stored day of each service's cost in each account over a window (month to date by "
        "default) as FOCUS 1.2 rows (https://focus.finops.org/), by region where regions are stored, and each "
        "account-day's charge types outside Usage (credits, refunds, tax, fees) as rows of their ChargeCategory "
        "with the Usage row that takes them back out of the services (x_CostmonitorRow says which kind a row is): "
        "every mandatory column, then RegionId, RegionName, SubAccountId, SubAccountName, Tags (null: tags are not "
        "stored per row) and costmonitor's x_ columns. `x_CostmonitorConformance` says on every row whether it is "
        "FOCUS-conformant (a month ingested from a Data Export, where the row's ChargeCategory is exact) or "
        "FOCUS-aligned (Cost Explorer: BilledCost from the unblended cost, EffectiveCost from the amortized one, no "
        "quantities; and every derived row). The "
        "file's totals are the stored history's. At most API_MAX_CSV_ROWS rows, counted as the stored rows they "
        "are made of: a longer history is fetched a month at a time.",
    )
    def list(self, request):
        params = parse_query(FocusParams, request)
        scope = request_scope(request)
        window = {"start": params["start"], "end": params["end_exclusive"]}
        rows = FocusRows(**window, scope=scope)
        values = record_maker(**window, scope=scope, account_label=public_account_id)
        name = f"focus_{params['start']}_{params['end']}"
        if request.accepted_renderer.format == "parquet":
            return slot_export(
                request,
                rows,
                lambda found, release: _parquet(found, values, f"{name}.parquet", release),
                capped=_bounded,
            )
        return slot_export(
            request,
            rows,
            lambda found, release: stream_csv(
                found, values=values, columns=COLUMN_NAMES, filename=f"{name}.csv", on_close=release, demo_column=False
            ),
            capped=_bounded,
        )


def _bounded(rows: FocusRows) -> Iterator[dict]:
    """The rows, refused (RESULT_TOO_LARGE) before any is made when they could be more than API_MAX_CSV_ROWS: the
    database counts the stored rows they are made of (`FocusRows.bound`)."""
    check_rows(rows.bound())
    return iter(rows)


def _parquet(rows, values, filename: str, release) -> FileResponse:
    """The Parquet file of `rows`, written whole (its footer comes last; the slot is released once it is) to a
    temporary file that is unlinked as soon as it is open: nothing is left behind however the download ends."""
    handle, path = tempfile.mkstemp(suffix=".parquet")
    os.close(handle)
    try:
        write_parquet(rows, values=values, path=Path(path))
        body = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    finally:
        os.unlink(path)
        release()
    if latest_data_source() == DEMO:
        filename = demo_filename(filename)
    return FileResponse(body, as_attachment=True, filename=filename, content_type=PARQUET)
