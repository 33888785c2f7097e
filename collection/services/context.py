"""What every collector is given (clients, clock, the run's request) and what it gives back (an Outcome)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from collection.aws import AwsClients
from collection.models import CollectionRun
from collection.services.demo_source import DemoClients


@dataclass
class CollectionContext:
    """`window`: the [start, end) a windowed kind was asked for, None to let it choose; `force`: re-fetch what
    a scheduled run would find fresh enough (forecasts, recommendations)."""

    clients: AwsClients | DemoClients
    now: datetime
    kind: str
    window: tuple[date, date] | None = None
    force: bool = False
    run_id: int | None = None  # the CollectionRun carried out, for records that name it (Data Exports periods)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def source(self) -> str:
        return self.clients.source

    def client(self, service: str):
        return self.clients.client(service)


@dataclass
class Outcome:
    """What a collector did: rows upserted, entries skipped, the window it covered, and a partial status with its
    reason."""

    rows: int = 0
    skipped_entries: int = 0
    window: tuple[date, date] | None = None
    status: str = CollectionRun.Status.SUCCEEDED
    error_code: str = ""
    message: str = ""
    notes: list[str] = field(default_factory=list)

    def degrade(self, *, code: str, message: str) -> None:
        self.status = CollectionRun.Status.PARTIAL
        self.error_code = self.error_code or code
        self.message = "; ".join(filter(None, [self.message, message]))

    def skip(self, count: int, *, what: str) -> None:
        """Count `count` entries of a list that were skipped (unreadable), with a note for the run's log."""
        if count:
            self.skipped_entries += count
            self.notes.append(f"{count} {what} skipped (unknown values or malformed; each logged with its id)")
