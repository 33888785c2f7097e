"""Data Exports as the source of costs and tags: each billing period whose manifest changed is ingested whole.

One ListObjectsV2 finds every period's manifest and its ETag (the change probe: no Cost Explorer request); a period
whose manifest identity differs from the one recorded (`ExportIngestion`) is read through the engine (DuckDB by
default) from exactly the files its manifest lists, and replaces its month in the same daily aggregates Cost
Explorer fills (CostData, ChargeTypeCost, TagCost), through the same upserts and window replacement. A period
whose manifest is absent, lists no file or holds no line item writes nothing and deletes nothing.
https://docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from collection.data_exports import queries
from collection.data_exports.engine import ExportEngine, Manifest
from collection.data_exports.engines import open_engine
from collection.data_exports.formats import ExportFormat
from collection.data_exports.manifest import ExportLocation, list_manifests, read_manifest
from collection.errors import DataValidationError, ErrorCode
from collection.kinds import Kind
from collection.models import ChargeTypeCost, CostData, ExportIngestion, ResourceCost, TagCost
from collection.months import month_start, next_month
from collection.services import charge_types, costs, parsing, tags
from collection.services.context import CollectionContext, Outcome
from collection.services.copy_upsert import upsert_rows
from collection.services.upserts import ensure_accounts
from collection.services.window_replacement import replace_stored_window

OP = "Data Exports"
TAG_FIELDS = ["date", "tag_key", "tag_value", "service", "amount", "currency", "estimated"]
SERVICE_LENGTH = CostData._meta.get_field("service").max_length
REGION_LENGTH = CostData._meta.get_field("region").max_length
TAG_KEY_LENGTH = TagCost._meta.get_field("tag_key").max_length
TAG_VALUE_LENGTH = TagCost._meta.get_field("tag_value").max_length
RESOURCE_FIELDS = ["date", "account", "service", "resource_id", "amount", "currency", "estimated"]
RESOURCE_UNIQUE = ["date", "account", "service", "resource_id"]
RESOURCE_LENGTH = ResourceCost._meta.get_field("resource_id").max_length


@dataclass(frozen=True, kw_only=True)
class Period:
    """One billing period as its files say: what the aggregates are built from, and whether it is final."""

    manifest: Manifest
    query: queries.Query
    grain: str  # the SQL naming the period's grain, as the engine materialized it ("" with `answers`)
    line_items: int
    invoice_ids: list[str]
    final: bool
    # The costs kind's aggregates by part, where the engine answered them in one query (`queries.cost_aggregates`).
    answers: dict[str, list[tuple]] | None = None

    @property
    def window(self) -> tuple[date, date]:
        return self.manifest.billing_period, next_month(self.manifest.billing_period)

    @property
    def estimated(self) -> bool:
        return not self.final

    def rows(self, engine: ExportEngine, sql: str) -> list[tuple]:
        """The rows of aggregate `sql` over this period's grain."""
        return engine.rows(sql=sql.replace("{grain}", self.grain), manifest=self.manifest)

    def aggregate(self, engine: ExportEngine, part: str, sql: Callable[[], str]) -> list[tuple]:
        """The rows of the costs kind's aggregate `part` (`queries.COST_PARTS`): from the period's one combined
        query where the engine asked it, else from `sql()` over the grain."""
        return self.answers[part] if self.answers is not None else self.rows(engine, sql())


def export_location() -> ExportLocation:
    return ExportLocation(
        bucket=settings.DATA_EXPORTS_BUCKET,
        prefix=settings.DATA_EXPORTS_PREFIX,
        export_name=settings.DATA_EXPORTS_EXPORT_NAME,
    )


def months_in_scope(*, ctx: CollectionContext) -> tuple[date, date]:
    """[first, end) of the billing periods a run looks at: those `ctx.window` touches, else DATA_EXPORTS_MONTHS
    months up to this one."""
    if ctx.window:
        start, end = ctx.window
        return month_start(today=start), next_month(end - timedelta(days=1))
    first = month_start(today=ctx.today)
    for _ in range(settings.DATA_EXPORTS_MONTHS - 1):
        first = month_start(today=first - timedelta(days=1))
    return first, next_month(ctx.today)


def read_period(
    *, engine: ExportEngine, manifest: Manifest, kind: str, export_format: ExportFormat | None = None
) -> Period | None:
    """The period's grain for `kind`'s aggregates and its invoice state; None when its files hold no line item.
    `export_format`: the export's table, DATA_EXPORTS_FORMAT unless given."""
    export_format = export_format or ExportFormat(settings.DATA_EXPORTS_FORMAT)
    query = queries.Query(
        format=export_format,
        columns=engine.columns(manifest=manifest),
        dialect=engine.dialect,
        billing_period=manifest.billing_period,
    )
    missing = query.missing_required()
    if missing:
        raise DataValidationError(
            f"{OP}: billing period {manifest.billing_period:%Y-%m} lacks the {export_format} "
            f"column(s) {', '.join(missing)}; check DATA_EXPORTS_FORMAT. Nothing of it was written",
            code=ErrorCode.MALFORMED_RESPONSE,
        )
    answers = None
    if kind == Kind.COSTS and getattr(engine, "combines_aggregates", False):
        sql = queries.cost_aggregates(query, top=settings.DATA_EXPORTS_TOP_RESOURCES)
        grain, answers = "", queries.split_cost_aggregates(engine.rows(sql=sql, manifest=manifest))
        invoices = answers["invoices"]
    else:
        grain = engine.materialize(sql=queries.grain(query, tags=kind == Kind.TAGS), manifest=manifest)
        invoices = engine.rows(sql=queries.invoices().replace("{grain}", grain), manifest=manifest)
    line_items = sum(count for _, count in invoices)
    if not line_items:
        return None
    ids = sorted(invoice for invoice, _ in invoices if invoice)
    final = all(invoice for invoice, _ in invoices)
    return Period(
        manifest=manifest,
        query=query,
        grain=grain,
        line_items=line_items,
        invoice_ids=ids,
        final=final,
        answers=answers,
    )


def _text(value, *, limit: int, what: str) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise DataValidationError(f"{OP}: {value!r} is not a {what}", code=ErrorCode.MALFORMED_RESPONSE)
    return value


# The money columns' bound (parsing.INTEGER_DIGITS): the engine answers exact Decimals, so a comparison suffices.
AMOUNT_BOUND = Decimal(10) ** parsing.INTEGER_DIGITS


def _amounts(values: Iterable[Decimal | None]) -> tuple[Decimal | None, ...]:
    amounts = tuple(values)
    for value in amounts:
        if value is not None and not -AMOUNT_BOUND < value < AMOUNT_BOUND:
            raise DataValidationError(
                f"{OP}: {value} is beyond what an amount may be", code=ErrorCode.MALFORMED_RESPONSE
            )
    return amounts


def _add(first: tuple, second: tuple) -> tuple:
    return tuple(None if a is None or b is None else a + b for a, b in zip(first, second, strict=True))


def _merged(rows: Iterable[tuple[tuple, tuple, str]]) -> dict[tuple, tuple[tuple, str]]:
    """(key, amounts, currency) rows summed by key; a key in two currencies is malformed (never added up)."""
    merged: dict[tuple, tuple[tuple, str]] = {}
    for key, amounts, currency in rows:
        if key in merged:
            if merged[key][1] != currency:
                raise DataValidationError(f"{OP}: {key} in two currencies", code=ErrorCode.MALFORMED_RESPONSE)
            amounts = _add(merged[key][0], amounts)
        merged[key] = (amounts, currency)
    return merged


def _replace(period: Period, *, model, stored, fields: list[str], unique, update, rows: dict) -> int:
    table = [(*key, *amounts, currency, period.estimated) for key, (amounts, currency) in rows.items()]
    return replace_stored_window(
        stored=stored,
        window=period.window,
        write=lambda: upsert_rows(model, fields=fields, rows=table, unique=unique, update=update),
    )


def write_costs(*, engine: ExportEngine, period: Period) -> int:
    """The month's daily cost by account and service (all regions, and by region with COST_REGION_BREAKDOWN), by
    account and charge type, and of its costliest resources (`write_resources`)."""
    by_region = []
    for day, account, service, region, *metrics, currency in period.aggregate(engine, "costs", queries.costs):
        key = (day, account, _text(service, limit=SERVICE_LENGTH, what="service"))
        region = _text(region, limit=REGION_LENGTH, what="region")
        by_region.append(((*key, region), _amounts(metrics), parsing.currency(currency, operation=OP)))
    all_regions = _merged(((*key[:3], ""), amounts, currency) for key, amounts, currency in by_region)
    rows = {**all_regions, **(_merged(by_region) if settings.COST_REGION_BREAKDOWN else {})}
    ensure_accounts({key[1] for key in rows})
    stored = CostData.objects.all() if settings.COST_REGION_BREAKDOWN else CostData.objects.filter(region="")
    written = _replace(
        period, model=CostData, stored=stored, fields=costs.FIELDS, unique=costs.UNIQUE, update=costs.UPDATE, rows=rows
    )
    charges = _merged(
        ((day, account, charge_types.charge_type(kind)), _amounts(metrics), parsing.currency(currency, operation=OP))
        for day, account, kind, *metrics, currency in period.aggregate(engine, "charge_types", queries.charge_types)
    )
    ensure_accounts({key[1] for key in charges})
    written += _replace(
        period,
        model=ChargeTypeCost,
        stored=ChargeTypeCost.objects.all(),
        fields=charge_types.FIELDS,
        unique=charge_types.UNIQUE,
        update=charge_types.UPDATE,
        rows=charges,
    )
    return written + write_resources(engine=engine, period=period)


def write_resources(*, engine: ExportEngine, period: Period) -> int:
    """The DATA_EXPORTS_TOP_RESOURCES costliest resources of each service and day (`queries.top_resources`), in
    place of the month's stored ones; 0 keeps none and leaves the stored ones alone."""
    top = settings.DATA_EXPORTS_TOP_RESOURCES
    if not top:
        return 0
    found = period.aggregate(engine, "resources", lambda: queries.top_resources(period.query, top=top))
    if any(collisions for *_, collisions in found):
        # Two resources shared a compact key: their sums were merged. Summed again by the columns themselves.
        found = period.rows(engine, queries.top_resources(period.query, top=top, exact=True))
    rows = _merged(
        (
            (
                day,
                account,
                _text(service, limit=SERVICE_LENGTH, what="service"),
                _text(resource, limit=RESOURCE_LENGTH, what="resource id"),
            ),
            _amounts([cost]),
            parsing.currency(currency, operation=OP),
        )
        for day, service, resource, account, cost, currency, _ in found
    )
    ensure_accounts({key[1] for key in rows})
    return _replace(
        period,
        model=ResourceCost,
        stored=ResourceCost.objects.all(),
        fields=RESOURCE_FIELDS,
        unique=RESOURCE_UNIQUE,
        update=["amount", "currency", "estimated", "updated_at"],
        rows=rows,
    )


def write_tags(*, engine: ExportEngine, period: Period) -> int:
    """The month's daily cost by tag value and service for COST_TAG_KEYS, or for every key the export carries
    ("" is the untagged cost). An export without any tag keeps the stored tags."""
    keys = list(settings.COST_TAG_KEYS) or sorted(key for (key,) in period.rows(engine, queries.tag_keys()) if key)
    if not keys:
        return 0
    rows = _merged(
        (
            (
                day,
                _text(key, limit=TAG_KEY_LENGTH, what="tag key"),
                _text(value, limit=TAG_VALUE_LENGTH, what="tag value"),
                _text(service, limit=SERVICE_LENGTH, what="service"),
            ),
            _amounts([amount]),
            parsing.currency(currency, operation=OP),
        )
        for day, key, value, service, amount, currency in period.rows(engine, queries.tags(period.query, keys=keys))
    )
    return _replace(
        period,
        model=TagCost,
        stored=TagCost.objects.all(),
        fields=TAG_FIELDS,
        unique=tags.UNIQUE,
        update=tags.UPDATE,
        rows=rows,
    )


WRITERS: dict[str, Callable[..., int]] = {Kind.COSTS: write_costs, Kind.TAGS: write_tags}


@dataclass(frozen=True, kw_only=True)
class Export:
    """What a run ingests: where the export is delivered, its table, what writes a period's rows and what reads
    its files; `dataset` names what it feeds in `ExportIngestion.kind` (the run's kind, unless only a part of it:
    the FOCUS export calls a month conformant only where the costs kind itself came from an export)."""

    location: ExportLocation
    format: ExportFormat
    write: Callable[..., int]
    open_engine: Callable[..., ExportEngine]
    dataset: str


def configured_export(*, kind: str) -> Export:
    """The export the DATA_EXPORTS_* settings name, writing all of `kind`'s datasets, read by DATA_EXPORTS_ENGINE."""
    return Export(
        location=export_location(),
        format=ExportFormat(settings.DATA_EXPORTS_FORMAT),
        write=WRITERS[kind],
        open_engine=open_engine,
        dataset=kind,
    )


def _record(
    *, ctx: CollectionContext, period: Period, engine: ExportEngine, written: int, export: Export
) -> ExportIngestion:
    manifest = period.manifest
    record, _ = ExportIngestion.objects.update_or_create(
        billing_period=manifest.billing_period,
        kind=export.dataset,
        defaults={
            "export_format": export.format,
            "engine": engine.name,
            "manifest_key": manifest.key,
            "manifest_id": manifest.identity,
            "files": list(manifest.data_files),
            "line_items": period.line_items,
            "rows_written": written,
            "final": period.final,
            "invoice_ids": period.invoice_ids,
            "ingested_at": timezone.now(),
            "run_id": ctx.run_id,
        },
    )
    return record


def ingest(*, ctx: CollectionContext, export: Export | None = None) -> Outcome:
    """Ingest every billing period in scope whose manifest changed since it was last ingested for `ctx.kind` (each
    one a transaction of its own within the run's, replacing its month); a run given a window re-ingests the
    periods it touches whatever their manifest. `export`: the configured one (`configured_export`) unless given."""
    export = export or configured_export(kind=ctx.kind)
    location, s3 = export.location, ctx.client("s3")
    first, end = months_in_scope(ctx=ctx)
    listed = {
        period: entry for period, entry in list_manifests(s3=s3, location=location).items() if first <= period < end
    }
    recorded = {
        r.billing_period: r for r in ExportIngestion.objects.filter(kind=export.dataset, billing_period__in=listed)
    }
    outcome, engine = Outcome(), None
    try:
        for period_start in sorted(listed):
            record, entry = recorded.get(period_start), listed[period_start]
            if ctx.window is None and record is not None and record.etag == entry.etag:
                continue
            manifest = read_manifest(s3=s3, location=location, listed=entry)
            if ctx.window is None and record is not None and record.manifest_id == manifest.identity:
                continue
            label = f"{period_start:%Y-%m}"
            if not manifest.data_files:
                outcome.notes.append(f"{OP} {label}: the manifest lists no file; the stored month is kept")
                continue
            engine = engine or export.open_engine(ctx=ctx)
            period = read_period(engine=engine, manifest=manifest, kind=ctx.kind, export_format=export.format)
            if period is None:
                outcome.notes.append(f"{OP} {label}: its files hold no line item; the stored month is kept")
                continue
            with transaction.atomic():
                written = export.write(engine=engine, period=period)
                _record(ctx=ctx, period=period, engine=engine, written=written, export=export)
            outcome.rows += written
            outcome.window = (
                min(period.window[0], (outcome.window or period.window)[0]),
                max(period.window[1], (outcome.window or period.window)[1]),
            )
            outcome.notes.append(
                f"{OP} {label}: manifest {manifest.execution_id}, {len(manifest.data_files)} files, "
                f"{period.line_items} line items, {written} rows, "
                + (f"final (invoice {', '.join(period.invoice_ids)})" if period.final else "open")
            )
    finally:
        if engine is not None and hasattr(engine, "close"):
            engine.close()
    if not outcome.notes:
        outcome.notes.append(f"{OP}: no manifest changed since the last run")
    return outcome
