"""Collections someone runs (or plans) now from a command: one kind or every kind, in the registry's order."""

from datetime import date, timedelta

from collection.data_source import AWS, source_name
from collection.kinds import KINDS, Kind, KindSpec, kind_spec
from collection.models import AwsAccount, CollectionRun
from collection.services.plans import CollectionPlan, plan_collections
from collection.services.runs import run_collection
from collection.services.windows import validate_window

ALL = "all"


def _resolve(
    *, kind: str, start: date | None, end: date | None, today: date
) -> tuple[list[KindSpec], date | None, date | None]:
    """The kinds `kind` names and the window (`end` tomorrow by default); ValueError when it is one Cost Explorer
    cannot answer, or when none of the kinds takes one."""
    specs = list(KINDS.values()) if kind == ALL else [kind_spec(kind)]
    if end and not start:
        raise ValueError("an end needs a start")
    if start:
        end = end or today + timedelta(days=1)
        if not any(spec.windowed for spec in specs):
            windowed = ", ".join(spec.kind for spec in KINDS.values() if spec.windowed)
            raise ValueError(f"a start and end apply only to {windowed} (not to {kind})")
        validate_window(start=start, end=end, today=today)
    return specs, start, end


def collect_now(*, kind: str, start: date | None, end: date | None, today: date, trigger: str) -> list[CollectionRun]:
    """Run `kind` (`all`: every kind, accounts first) now and return the finished runs; ValueError before any run
    for arguments `_resolve` refuses. A window applies to the kinds that take one."""
    specs, start, end = _resolve(kind=kind, start=start, end=end, today=today)
    return [
        run_collection(
            kind=spec.kind,
            trigger=trigger,
            start=start if spec.windowed else None,
            end=end if spec.windowed else None,
        )
        for spec in specs
    ]


def plan_now(*, kind: str, start: date | None, end: date | None, today: date) -> CollectionPlan:
    """What `collect_now` with the same arguments would fetch and spend, with nothing called or stored."""
    specs, start, end = _resolve(kind=kind, start=start, end=end, today=today)
    return plan_collections(specs=specs, start=start, end=end, today=today, source=source_name())


def first_run_plan(*, today: date) -> CollectionPlan:
    """Every kind as its first scheduled run collects it (the history, the forecast, the recommendations), sized by
    the organization's accounts: listed first when none are stored (Organizations is free, no Cost Explorer)."""
    if not AwsAccount.objects.exists():
        run_collection(kind=Kind.ACCOUNTS, trigger=CollectionRun.Trigger.COMMAND)
    return plan_collections(specs=list(KINDS.values()), start=None, end=None, today=today, source=AWS)
