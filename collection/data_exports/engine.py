"""The engine interface: what runs an export's aggregate SQL (DuckDB in the worker, Athena for the large path).

An engine is given SQL built by `collection.data_exports.queries` for one billing period and answers its rows as
tuples. The SQL reads `{source}`, which the engine replaces with the period's line items: exactly the files the
manifest lists (`Manifest.data_files`), never every file under the period's folder (each snapshot would count
again). Everything else (which SQL, what the rows mean, how they are stored) is the engine's caller's.
"""

from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """One billing period's `<export-name>-Manifest.json`, as read from S3.

    `identity` is the change probe: a period whose identity differs from the one recorded at its last ingestion is
    ingested again. https://docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html
    """

    billing_period: date  # the first day of the month
    bucket: str
    key: str  # the manifest's S3 key
    etag: str  # S3's ETag of the manifest object
    execution_id: str
    data_files: tuple[str, ...]  # full s3:// URIs, in the manifest's order
    columns: frozenset[str]  # the column names the manifest declares (empty: not declared)

    @property
    def identity(self) -> str:
        return f"{self.execution_id}:{self.etag}"


class Dialect(Protocol):
    """The SQL spelling DuckDB and Athena (Trino) do not share; `queries` builds everything else alike (ARRAY[...],
    UNNEST, GREATEST, window functions and DECIMAL casts are spelled the same in both)."""

    def map_value(self, column: str, key: str) -> str:
        """The value of map `column` at SQL expression `key`, NULL when the map lacks it."""
        ...

    def map_group_key(self, column: str) -> str:
        """What to GROUP BY for equal maps in `column` (the column itself where grouping by a map is cheap)."""
        ...

    def resource_key(self, columns: str) -> str | None:
        """A compact key standing for `columns` in the resource-day sums (`queries.top_resources`), whose collisions
        the query counts; None: group by the columns themselves."""
        ...

    def ranking(self, order: tuple[tuple[str, bool], ...]) -> str:
        """The ORDER BY of a top-N ROW_NUMBER from (column, descending) pairs, NULLs last."""
        ...


class ExportEngine(Protocol):
    """Runs aggregate SQL over one billing period's line items.

    - `dialect`: how `queries` spells map access and array literals for it;
    - `columns(manifest)`: the columns the period's files hold (the manifest's own list when it has one), so that
      the SQL reads NULL for an optional column an export lacks (`line_item_net_unblended_cost`, `resource_tags`);
    - `materialize(sql, manifest)`: make the relation `sql` (`queries.grain`, reading `{source}`) available to
      later queries of the same period, and answer the SQL that names it: DuckDB keeps it in a temporary table
      (one scan of the files however many aggregates follow); an engine may answer `(sql)` as a subquery instead;
    - `rows(sql, manifest)`: the rows of `sql`, whose `{source}` the engine replaces with the period's line items
      (a relation over exactly `manifest.data_files`), as tuples of Python values (Decimal amounts, date days).

    Errors reading the files are raised as `collection.errors.DataValidationError` (malformed files) or
    `AWSAPIError` (S3 refused or unreachable), so a run fails with a clear message and writes nothing.
    """

    name: str
    dialect: Dialect

    def columns(self, *, manifest: Manifest) -> frozenset[str]: ...

    def materialize(self, *, sql: str, manifest: Manifest) -> str: ...

    def rows(self, *, sql: str, manifest: Manifest) -> list[tuple]: ...
