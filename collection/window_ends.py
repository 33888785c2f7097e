"""The one convention for a window's end that users type (the last day, included), converted to half-open windows.

Everything a user types — the API's and the overview's `end`, the commands' `--end`, the `end` argument of a
collection task (periodic tasks edited in the admin) — names the last day of the window, included: "1 to 30
November" is `start=2026-11-01 end=2026-11-30`. Services, collectors and Cost Explorer take half-open windows,
[start, end), so the conversion happens here, once, where a user's end comes in, and back where a window is
shown to a user. Before this release, `--end` and the task's `end` were exclusive: that form is accepted for one
release under its deprecated spelling (`--end-exclusive`, `end_exclusive`), with a deprecation message.
"""

from dataclasses import dataclass
from datetime import date, timedelta

# The deprecated exclusive spelling of each surface, and the inclusive one it gives way to (the message names both).
COMMAND_NAMES = ("--end", "--end-exclusive")
TASK_NAMES = ("end", "end_exclusive")


def exclusive_end(last_day: date) -> date:
    """The end of the half-open window whose last day, included, is `last_day`."""
    return last_day + timedelta(days=1)


def last_day(end: date) -> date:
    """The last day, included, of the half-open window that ends at `end`."""
    return end - timedelta(days=1)


def shown_window(start: date, end: date) -> str:
    """The half-open window [start, end) as a user reads it and would type it: both days included."""
    return f"{start} to {last_day(end)}"


@dataclass(frozen=True)
class TypedEnd:
    """A user's end, as services take it (`end` exclusive; None when not given), and the deprecation message due
    when it was given in the former exclusive form (empty otherwise)."""

    end: date | None
    deprecation: str = ""


def typed_end(
    *, end: date | None, end_exclusive: date | None, names: tuple[str, str] = TASK_NAMES, sep: str = "="
) -> TypedEnd:
    """The exclusive end of what a user typed: `end`, the last day included, or the deprecated `end_exclusive`.

    `names` are the surface's spellings of both (inclusive first) and `sep` joins a name and its value in the
    message (`--end 2026-11-30`, `end=2026-11-30`). ValueError when both are given.
    """
    inclusive, exclusive = names
    if end is not None and end_exclusive is not None:
        raise ValueError(f"give {inclusive} (the last day, included) or the deprecated {exclusive}, not both")
    if end_exclusive is not None:
        message = (
            f"{exclusive}{sep}{end_exclusive} is deprecated and will be removed in the next release: give "
            f"{inclusive}{sep}{last_day(end_exclusive)} instead ({inclusive} is the last day, included, as everywhere "
            "in costmonitor)"
        )
        return TypedEnd(end=end_exclusive, deprecation=message)
    return TypedEnd(end=None if end is None else exclusive_end(end))
