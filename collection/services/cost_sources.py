"""Where each dataset's cost comes from: Cost Explorer's API, or the AWS Data Export (DATA_EXPORTS_DATASETS).

Both sources implement `CostSource` and fill the same daily aggregates, so the API, the overview and /metrics read
the same rows whichever wrote them. Forecasts, recommendations and commitments keep their APIs. The demo source
answers Cost Explorer's requests, and its resource-level dataset comes from its own CUR 2.0 export
(`collection.services.demo_export`), as a real export's would.
"""

from typing import Protocol

from django.conf import settings

from collection.data_exports.formats import ExportFormat
from collection.data_source import DEMO
from collection.kinds import Kind
from collection.services import costs, data_exports, demo_export, tags
from collection.services.context import CollectionContext, Outcome

COST_EXPLORER, DATA_EXPORTS = "cost_explorer", "data_exports"
EXPORTABLE = (Kind.COSTS, Kind.TAGS)  # what DATA_EXPORTS_DATASETS may name


class CostSource(Protocol):
    name: str

    def collect_costs(self, *, ctx: CollectionContext) -> Outcome: ...

    def collect_tags(self, *, ctx: CollectionContext) -> Outcome: ...


class CostExplorerSource:
    """GetCostAndUsage with its change probes (collection.services.costs, .tags)."""

    name = COST_EXPLORER

    def collect_costs(self, *, ctx: CollectionContext) -> Outcome:
        return costs.collect_costs(ctx=ctx)

    def collect_tags(self, *, ctx: CollectionContext) -> Outcome:
        return tags.collect_tag_based_costs(ctx=ctx)


class DataExportsSource:
    """The export's billing periods whose manifest changed (collection.services.data_exports)."""

    name = DATA_EXPORTS

    def collect_costs(self, *, ctx: CollectionContext) -> Outcome:
        return data_exports.ingest(ctx=ctx)

    def collect_tags(self, *, ctx: CollectionContext) -> Outcome:
        return data_exports.ingest(ctx=ctx)


class DemoSource(CostExplorerSource):
    """The demo's costs: Cost Explorer's answers, and the costliest resources (DATA_EXPORTS_TOP_RESOURCES;
    0: none) from the demo's Data Export, ingested as a real export is (its manifest, DuckDB over its Parquet files)."""

    name = "demo"

    def collect_costs(self, *, ctx: CollectionContext) -> Outcome:
        outcome = super().collect_costs(ctx=ctx)
        if not settings.DATA_EXPORTS_TOP_RESOURCES:
            return outcome
        export = data_exports.Export(
            location=demo_export.LOCATION,
            format=ExportFormat.CUR2,
            write=data_exports.write_resources,
            open_engine=lambda *, ctx: demo_export.LocalExportEngine(),
            dataset=demo_export.DATASET,
        )
        resources = data_exports.ingest(ctx=ctx, export=export)
        outcome.rows += resources.rows
        outcome.notes += [f"resources: {note}" for note in resources.notes]
        return outcome


def source_for(*, kind: str, source: str) -> CostSource:
    """The source of `kind`'s dataset for a run on `source` ("aws" or "demo")."""
    if source == DEMO:
        return DemoSource() if kind == Kind.COSTS else CostExplorerSource()
    if kind in settings.DATA_EXPORTS_DATASETS:
        return DataExportsSource()
    return CostExplorerSource()


def collect_costs(*, ctx: CollectionContext) -> Outcome:
    """The costs kind's collector: daily costs (and charge types) from the configured source."""
    return source_for(kind=Kind.COSTS, source=ctx.source).collect_costs(ctx=ctx)


def collect_tags(*, ctx: CollectionContext) -> Outcome:
    """The tags kind's collector: daily cost by tag from the configured source."""
    return source_for(kind=Kind.TAGS, source=ctx.source).collect_tags(ctx=ctx)
