"""Plans of collections before they run: per kind, its window and the Cost Explorer requests and USD it will take.

A plan reads the history (to size the estimate) and writes nothing: dry runs and the first real-AWS run print one.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from collection.aws import CE_REQUEST_USD
from collection.data_source import DEMO
from collection.kinds import KindSpec
from collection.window_ends import shown_window


@dataclass(frozen=True, kw_only=True)
class KindPlan:
    kind: str
    window: tuple[date, date] | None  # None: the kind takes no window, or fetches only the days that changed
    requests: int
    windowed: bool


@dataclass(frozen=True, kw_only=True)
class CollectionPlan:
    kinds: list[KindPlan]
    source: str  # the demo source answers every call itself: nothing is billed

    @property
    def requests(self) -> int:
        return sum(kind.requests for kind in self.kinds)

    def usd(self, requests: int) -> Decimal:
        return Decimal("0.00") if self.source == DEMO else requests * CE_REQUEST_USD

    def lines(self) -> list[str]:
        """One line per kind and a total, as the dry runs and the first-run confirmation print them."""
        unit = "Cost Explorer calls answered by the demo source" if self.source == DEMO else "Cost Explorer requests"
        lines = []
        for kind in self.kinds:
            if kind.window:
                window = shown_window(*kind.window)
            else:
                window = "the days that changed since the last run" if kind.windowed else "no window"
            lines.append(
                f"  {kind.kind:<15} {window}: about {kind.requests} {unit} (USD {self.usd(kind.requests):.2f})"
            )
        lines.append(f"  {'total':<15} about {self.requests} {unit} (USD {self.usd(self.requests):.2f})")
        return lines


def plan_collections(
    *, specs: list[KindSpec], start: date | None, end: date | None, today: date, source: str
) -> CollectionPlan:
    """What collecting `specs` now would fetch and spend: `[start, end)` for the kinds that take a window, else
    each kind's own (a first run's history, the last closed month)."""
    kinds = []
    for spec in specs:
        window = (start, end) if spec.windowed and start and end else None
        window = window or spec.window_without_arguments(today=today, source=source)
        first, last = window or (None, None)
        requests = spec.estimated_requests(start=first, end=last)
        kinds.append(KindPlan(kind=spec.kind, window=window, requests=requests, windowed=spec.windowed))
    return CollectionPlan(kinds=kinds, source=source)
