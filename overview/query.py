"""The overview's query: its window from the URL, validated as /api/costs validates it, and the selector arguments."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from rest_framework.exceptions import ValidationError

from api.errors import error_body
from api.params import CostParams, query_items, validated_query
from collection.months import month_start
from collection.selectors.scope import Scope
from collection.window_ends import exclusive_end

# The page's filters: the window of /api/costs (`end` inclusive, as there).
ACCEPTED = ("start", "end")


@dataclass(frozen=True)
class OverviewQuery:
    today: dt.date
    start: dt.date
    end: dt.date  # inclusive, as the API's `end`
    scope: Scope | None = None  # the reader's access scope (api.scopes.user_scope); None: everything

    @property
    def window(self) -> dict:
        """The chosen window as selectors take it (`end` exclusive)."""
        return {"start": self.start, "end": exclusive_end(self.end)}

    @property
    def month_to_date(self) -> dict:
        """This month up to today, as selectors take it: what /api/costs answers without parameters."""
        return {"start": month_start(today=self.today), "end": exclusive_end(self.today)}

    @property
    def url_query(self) -> str:
        """The window as the page's and the API's query string, so a view can be shared and checked."""
        return urlencode({"start": self.start.isoformat(), "end": self.end.isoformat()})

    def args(self, **given) -> dict:
        """The keyword arguments of one selector call: those `given` (its window, its own filters) and whatever
        narrows every read of the request. Every selector call of the page takes its arguments from here, so
        that what narrows the API's reads narrows the page's in this one place."""
        return {**given, "scope": self.scope}


@dataclass(frozen=True)
class QueryError(Exception):
    """Parameters the page cannot show: each message names its parameter."""

    messages: list[str]


def overview_query(request, *, today: dt.date, scope: Scope | None) -> OverviewQuery:
    """The request's window (default: month to date), validated by the API's own rules; QueryError otherwise."""
    unknown = sorted(set(request.GET) - set(ACCEPTED))
    if unknown:
        raise QueryError([f"Unknown parameter {name}: the overview accepts {', '.join(ACCEPTED)}." for name in unknown])
    # A field of the page's form left empty asks for the default, as if the parameter were absent.
    items = tuple((name, given) for name, values in query_items(request) if (given := tuple(v for v in values if v)))
    try:
        params = validated_query(CostParams, items, today)
    except ValidationError as exc:
        raise QueryError([f"{d['field']}: {d['message']}" for d in error_body(exc)["details"]]) from exc
    return OverviewQuery(today=today, start=params["start"], end=params["end"], scope=scope)


def default_query(*, today: dt.date, scope: Scope | None) -> OverviewQuery:
    """Month to date, the page's default window (and what it shows beside a refused query)."""
    return OverviewQuery(today=today, start=month_start(today=today), end=today, scope=scope)
