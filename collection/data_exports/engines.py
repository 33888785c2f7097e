"""DATA_EXPORTS_ENGINE's choices: each names a `for_run(*, ctx) -> ExportEngine` (collection.data_exports.engine)."""

from django.conf import settings
from django.utils.module_loading import import_string

from collection.data_exports.engine import ExportEngine

ENGINES = {
    "duckdb": "collection.data_exports.duckdb_engine.for_run",
    "athena": "collection.data_exports.athena_engine.for_run",
}


def open_engine(*, ctx) -> ExportEngine:
    """The configured engine for the run `ctx`; an engine with a `close()` is closed by its caller."""
    return import_string(ENGINES[settings.DATA_EXPORTS_ENGINE])(ctx=ctx)
