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
    """What a collector did: rows upserted, the window it covered, and a partial status with its reason."""

    rows: int = 0
    window: tuple[date, date] | None = None
    status: str = CollectionRun.Status.SUCCEEDED
    error_code: str = ""
    message: str = ""
    notes: list[str] = field(default_factory=list)

    def degrade(self, *, code: str, message: str) -> None:
        self.status = CollectionRun.Status.PARTIAL
        self.error_code = self.error_code or code
        self.message = "; ".join(filter(None, [self.message, message]))
