"""Upserts of plain row tuples: COPY into a staging table and one INSERT … ON CONFLICT on PostgreSQL.

Backfills write tens of thousands of rows a run; building model instances and binding every value through
bulk_create costs about 4x a COPY (bench/ingest.py). On PostgreSQL the rows are streamed with COPY into a
temporary table and merged with a single INSERT … SELECT … ON CONFLICT DO UPDATE; elsewhere (SQLite)
they go through bulk_create(update_conflicts=True). https://www.psycopg.org/psycopg3/docs/basic/copy.html
"""

from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from collection.services.upserts import upsert


def _column(model: type[Model], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def upsert_rows(
    model: type[Model], *, fields: Sequence[str], rows: Sequence[tuple], unique: Sequence[str], update: Sequence[str]
) -> int:
    """Insert `rows` (values of `fields`, in order), updating `update` where the `unique` key exists.

    auto_now/auto_now_add fields are set to now, as save() would; return how many rows were written.
    """
    if not rows:
        return 0
    stamps = [
        f.name
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    if connection.vendor != "postgresql":
        now = timezone.now()
        attnames = [model._meta.get_field(name).attname for name in fields]
        objs = [model(**dict(zip(attnames, row, strict=True)), **dict.fromkeys(stamps, now)) for row in rows]
        return upsert(model, objs, unique=unique, update=update)
    table = connection.ops.quote_name(model._meta.db_table)
    stage = connection.ops.quote_name(f"stage_{model._meta.db_table}")
    columns = ", ".join(_column(model, name) for name in [*fields, *stamps])
    assignments = ", ".join(f"{_column(model, name)} = EXCLUDED.{_column(model, name)}" for name in update)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        # ON COMMIT DROP: the staging table lives only as long as the run's transaction.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608 - quoted model identifiers only
        )
        with cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *(now for _ in stamps)))
        conflict = ", ".join(_column(model, name) for name in unique)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} "  # noqa: S608 - quoted model identifiers
            f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
        )
        cursor.execute(f"TRUNCATE {stage}")
    return len(rows)
