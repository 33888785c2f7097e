"""Argument types and options shared by the collection commands: clear messages instead of tracebacks."""

import argparse
from datetime import date, timedelta

from django.core.management.base import CommandError

from collection.services.windows import parse_day
from collection.window_ends import COMMAND_NAMES, typed_end

# Until the deprecated --end-exclusive goes, a script written for the former exclusive --end is told that it now
# collects one more day, so that its meaning never changes silently (see collection/window_ends.py).
END_CHANGED = (
    "note: --end {end} is the last day collected, included, as the API's end (before this release --end was "
    "exclusive: a script written for that should now give --end {before}, or the deprecated --end-exclusive {end})"
)


def day_argument(value: str) -> date:
    """argparse type for YYYY-MM-DD dates."""
    try:
        return parse_day(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_window_end(parser, *, default: str) -> None:
    """`--end`, the last day included, and its former exclusive form `--end-exclusive`, deprecated."""
    parser.add_argument(
        "--end", type=day_argument, help=f"Last day, YYYY-MM-DD, included (default: {default}), as the API's end."
    )
    parser.add_argument(
        "--end-exclusive",
        type=day_argument,
        help="Deprecated, removed in the next release: the day after the last one (the former meaning of --end).",
    )


def window_end(command, *, end: date | None, end_exclusive: date | None) -> date | None:
    """The exclusive end services take from `--end`/`--end-exclusive`, telling stderr about a deprecated form."""
    try:
        typed = typed_end(end=end, end_exclusive=end_exclusive, names=COMMAND_NAMES, sep=" ")
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if typed.deprecation:
        command.stderr.write(command.style.WARNING(f"warning: {typed.deprecation}"))
    elif end is not None:
        command.stderr.write(END_CHANGED.format(end=end, before=end - timedelta(days=1)))
    return typed.end
