"""Collections someone runs now from a command: one kind or every kind, in the registry's order."""

from datetime import date, timedelta

from collection.kinds import KINDS, kind_spec
from collection.models import CollectionRun
from collection.services.runs import run_collection
from collection.services.windows import validate_window

ALL = "all"


def collect_now(
    *, kind: str, start: date | None, end: date | None, dry_run: bool, today: date, trigger: str
) -> list[CollectionRun]:
    """Run `kind` (`all`: every kind, accounts first) now and return the finished runs.

    A window (`start`, and `end`, tomorrow by default) applies to the kinds that take one; ValueError before any
    run when it is one Cost Explorer cannot answer, or when `kind` takes none.
    """
    specs = list(KINDS.values()) if kind == ALL else [kind_spec(kind)]
    if end and not start:
        raise ValueError("an end needs a start")
    if start:
        end = end or today + timedelta(days=1)
        if not any(spec.windowed for spec in specs):
            windowed = ", ".join(spec.kind for spec in KINDS.values() if spec.windowed)
            raise ValueError(f"a start and end apply only to {windowed} (not to {kind})")
        validate_window(start=start, end=end, today=today)
    return [
        run_collection(
            kind=spec.kind,
            trigger=trigger,
            start=start if spec.windowed else None,
            end=end if spec.windowed else None,
            dry_run=dry_run,
        )
        for spec in specs
    ]
