"""`manage.py export_focus`: the stored history of a window as FOCUS 1.2 rows, to a CSV or Parquet file."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from collection.focus_export import FORMATS, record_maker, write_csv, write_parquet
from collection.management.commands._arguments import day_argument
from collection.selectors.focus import FocusRows


class Command(BaseCommand):
    help = (
        "Write the stored daily cost of a window (--start to --end, both inclusive) as FOCUS 1.2 rows: every "
        "mandatory column, each row labelled FOCUS-aligned or FOCUS-conformant (x_CostmonitorConformance)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--start", type=day_argument, required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--end", type=day_argument, required=True, help="Last day, inclusive, YYYY-MM-DD.")
        parser.add_argument("--format", choices=FORMATS, default="csv", help="csv (default) or parquet.")
        parser.add_argument("--output", type=Path, help="The file to write (default: CSV to standard output).")

    def handle(self, *args, start: dt.date, end: dt.date, format: str, output: Path | None, **options) -> None:
        if end < start:
            raise CommandError(f"--end {end} is before --start {start}.")
        if format == "parquet" and output is None:
            raise CommandError("--format parquet needs --output FILE (Parquet is binary).")
        if output is not None and not output.parent.is_dir():
            raise CommandError(f"--output {output}: no such directory {output.parent}.")
        window = {"start": start, "end": end + dt.timedelta(days=1)}
        rows = FocusRows(**window)
        values = record_maker(**window)
        if format == "parquet":
            count = write_parquet(rows, values=values, path=output)
        elif output is None:
            count = write_csv(rows, values=values, out=self.stdout)
        else:
            with output.open("w", newline="", encoding="utf-8") as out:
                count = write_csv(rows, values=values, out=out)
        if output is not None:
            self.stdout.write(self.style.SUCCESS(f"{count} FOCUS rows ({start}..{end}) written to {output}"))
        else:
            self.stderr.write(f"{count} FOCUS rows ({start}..{end})")
