"""The FOCUS rows of one account's stored day: its services (by region where stored), its cost by charge type.

Two stored groupings of the same money meet here: `CostData` (account, service, region, the all-regions row
region "") and `ChargeTypeCost` (account, charge type; no service). Each service row's cost holds every charge
type of that service (Cost Explorer puts a credit, a refund or a Savings Plans fee inside the service it applies
to), and which part of it is which charge type is not stored. So, without double counting:

- the service rows are the stored all-regions rows (kind `service`), or, where per-region rows are stored, one row
  per region (`region`) and the part of the all-regions row those regions do not hold (`region-unattributed`,
  RegionId null; never both the all-regions row and its regions); ChargeCategory Usage (Tax for the "Tax" service);
- each charge type outside Usage (`collection.focus_charges`) becomes a row of its own category (`charge-type`), for
  the account and day, its service unknown (ServiceName `UNATTRIBUTED_SERVICE`);
- one Usage row (`charge-offset`) takes those amounts back out of the service rows they are inside.

Every row of a split day says so (x_CostmonitorChargeSplit): its Usage is net of the other categories at the
account-day level, not per service. The account-day's rows add up to its service rows to the cent, and each
category to its charge types (Usage: the rest). A day without stored charge types is not split. A charge type of a
day the services do not hold (another window, another scope) adds nothing to the file's totals and is left out.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from collection.focus_charges import SERVICE_CHARGE_TYPES, USAGE, focus_charge

METRICS = ("unblended_cost", "amortized_cost", "net_unblended_cost", "net_amortized_cost")
UNATTRIBUTED_SERVICE = "All services (charge type not stored per service)"


def _minus(first: Decimal | None, second: Decimal | None) -> Decimal | None:
    return None if first is None or second is None else first - second


def _plus(first: Decimal | None, second: Decimal | None) -> Decimal | None:
    return None if first is None or second is None else first + second


_amounts = itemgetter(*METRICS)  # a row's METRICS, as a tuple


def _difference(first: tuple, second: tuple) -> tuple:
    return tuple(map(_minus, first, second))


def _is_zero(amounts: tuple) -> bool:
    return all(not amount for amount in amounts)


def _row(base: dict, amounts: tuple, **fields) -> dict:
    return {**base, **dict(zip(METRICS, amounts, strict=True)), **fields}


def _sum(rows: Iterable[tuple]) -> tuple:
    total = (Decimal(0),) * len(METRICS)
    for amounts in rows:
        total = tuple(map(_plus, total, amounts))
    return total


def service_rows(costs: list[dict], *, split: bool, exact: bool) -> Iterator[dict]:
    """The FOCUS rows of an account-day's services from its stored rows (ordered by service, currency and region,
    the all-regions row "" first). Per-region rows without their all-regions row are not in the stored history's
    totals and are left out."""
    common = {"charge_type": None, "charge_split": split, "category_exact": exact}
    for _, group in groupby(costs, key=itemgetter("service", "currency")):
        everywhere, *regional = group
        if everywhere["region"]:
            continue
        if not regional:
            yield {**everywhere, "region": None, "kind": "service", **common}
            continue
        for row in regional:
            yield {**row, "kind": "region", **common}
        rest = _difference(_amounts(everywhere), _sum(_amounts(r) for r in regional))
        if not _is_zero(rest):
            yield _row(everywhere, rest, region=None, kind="region-unattributed", **common)


def charge_rows(costs: list[dict], charges: list[dict]) -> Iterator[dict]:
    """The account-day's charge types outside Usage as rows of their category, and the Usage row that takes them
    back out of the services (`costs`, its all-regions rows), per currency."""
    carried: dict[tuple, tuple] = {}  # (charge type, currency): what services of that one charge type already hold
    for row in costs:
        kind = SERVICE_CHARGE_TYPES.get(row["service"])
        if kind and not row["region"]:
            carried[(kind.casefold(), row["currency"])] = _amounts(row)
    moved: dict[str, list[dict]] = defaultdict(list)
    for charge in charges:
        if focus_charge(charge["charge_type"]).category == USAGE:
            continue
        held = carried.get((charge["charge_type"].casefold(), charge["currency"]))
        amounts = _difference(_amounts(charge), held) if held else _amounts(charge)
        if _is_zero(amounts):
            continue
        row = _row(
            charge,
            amounts,
            service=UNATTRIBUTED_SERVICE,
            region=None,
            kind="charge-type",
            charge_split=True,
            category_exact=False,
        )
        moved[charge["currency"]].append(row)
        yield row
    for rows in moved.values():
        offset = tuple(_minus(Decimal(0), a) for a in _sum(_amounts(r) for r in rows))
        yield _row(
            rows[0],
            offset,
            charge_type=None,
            kind="charge-offset",
            estimated=any(r["estimated"] for r in rows),
            charge_types=sorted(r["charge_type"] for r in rows),
        )


def day_rows(costs: list[dict], charges: list[dict]) -> Iterator[dict]:
    """Every FOCUS row of one account's stored day (`costs`: its CostData rows; `charges`: its ChargeTypeCost rows,
    [] when none are stored: then nothing is split). A service row's ChargeCategory is exact (`category_exact`)
    only when the day's charge types are stored and none is split out of it."""
    split = list(charge_rows(costs, charges))
    yield from service_rows(costs, split=bool(charges), exact=bool(charges) and not split)
    yield from split
