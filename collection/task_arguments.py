"""The collection task's window arguments, read one way by the task and by the admin's periodic task form."""

import json
from dataclasses import dataclass
from datetime import date

from collection.services.windows import parse_day
from collection.window_ends import TASK_NAMES, last_day, typed_end

# Every keyword argument `collection.tasks.collect` takes: another one would fail the task when beat sends it.
ARGUMENTS = ("kind", "run_id", "trigger", "start", "end", "end_exclusive", "after_worker_lost")
WINDOW_ARGUMENTS = ("start", *TASK_NAMES)


@dataclass(frozen=True)
class TaskWindow:
    """A task's window as services take it (`end` exclusive; both None: the collector picks its own), and the
    deprecation message due when the former exclusive `end_exclusive` was given."""

    start: date | None
    end: date | None
    deprecation: str = ""


def task_window(*, start: str | None = None, end: str | None = None, end_exclusive: str | None = None) -> TaskWindow:
    """The window of a task's `start` and `end` (ISO days, `end` the last day included) or deprecated
    `end_exclusive`; ValueError naming the argument at fault."""
    days = {}
    for name, value in zip(WINDOW_ARGUMENTS, (start, end, end_exclusive), strict=True):
        try:
            days[name] = parse_day(value) if value else None  # "" is no day, as the task always read it
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    typed = typed_end(end=days["end"], end_exclusive=days["end_exclusive"])
    if days["start"] and typed.end and typed.end <= days["start"]:
        raise ValueError(f"end: {last_day(typed.end)} is before start {days['start']} (end is the last day, included)")
    return TaskWindow(start=days["start"], end=typed.end, deprecation=typed.deprecation)


def periodic_kwargs_error(kwargs: str) -> str:
    """Why a periodic task's keyword arguments (JSON) would fail the collection task; empty when they would not.

    The deprecated `end_exclusive` is refused here: what someone types now is written in the current form.
    """
    try:
        given = json.loads(kwargs or "{}")
    except ValueError:
        return ""  # django-celery-beat's own form says it is no JSON
    if not isinstance(given, dict):
        return 'The keyword arguments must be a JSON object, e.g. {"kind": "costs", "trigger": "schedule"}.'
    if unknown := sorted(set(given) - set(ARGUMENTS)):
        return f"Unknown argument {', '.join(unknown)}; collection.collect takes {', '.join(ARGUMENTS)}."
    window = {name: given[name] for name in WINDOW_ARGUMENTS if given.get(name) is not None}
    if any(not isinstance(value, str) for value in window.values()):
        return 'start and end are ISO days in quotes, e.g. "2026-11-01".'
    try:
        found = task_window(**window)
    except ValueError as exc:
        return str(exc)
    if found.deprecation:
        return found.deprecation
    if (found.start is None) != (found.end is None):
        return "Give both start and end (the last day, included), or neither."
    return ""
