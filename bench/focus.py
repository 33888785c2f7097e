"""The FOCUS export of a month (CSV), against writing the same stored cost rows as plain CSV.

Run: DATABASE_URL=... python bench/focus.py [--accounts N] [--services S] [--regions R] [--repeat K]
Creates (and drops) a test database holding a month of ACCOUNTS x SERVICES daily cost rows (each with R per-region
rows) and four charge types per account-day; prints the FOCUS rows written per second, the median time of the
export (`FocusRows` through `write_csv`, as `manage.py export_focus` runs) and of the baseline (the stored rows
read once and written by csv.writer, no FOCUS values), and the ratio of their times per row written (target: at
most 10x: a FOCUS row has 34 values made in Python, the baseline's 11 come from the database as they are; the
export before regions and charge types, one row per all-regions row, measured about 6x here).
"""

import argparse
import csv
import datetime as dt
import io
import statistics
import time
from decimal import Decimal

from _setup import bench_database

from collection.focus_export import record_maker, write_csv
from collection.models import AwsAccount, ChargeTypeCost, CostData
from collection.selectors.focus import COST_FIELDS, FocusRows

START, END = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
CHARGES = {"Usage": "9", "Credit": "-1", "Tax": "0.5", "SavingsPlanRecurringFee": "1.5"}
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "global")


def seed(*, accounts: int, services: int, regions: int) -> int:
    AwsAccount.objects.bulk_create(AwsAccount(account_id=f"{100000000000 + a:012d}") for a in range(accounts))
    days = [START + dt.timedelta(days=d) for d in range((END - START).days)]
    costs, charges = [], []
    for day in days:
        for a in range(accounts):
            account_id = f"{100000000000 + a:012d}"
            for s in range(services):
                for region in ("", *REGIONS[:regions]):
                    amount = Decimal(10) if not region else Decimal(10) / (regions + 1)
                    costs.append(
                        CostData(
                            date=day,
                            account_id=account_id,
                            service=f"Amazon Service {s:03d}",
                            region=region,
                            unblended_cost=amount,
                            amortized_cost=amount,
                        )
                    )
            for kind, amount in CHARGES.items():
                charges.append(
                    ChargeTypeCost(
                        date=day,
                        account_id=account_id,
                        charge_type=kind,
                        unblended_cost=Decimal(amount),
                        amortized_cost=Decimal(amount),
                    )
                )
    CostData.objects.bulk_create(costs, batch_size=5000)
    ChargeTypeCost.objects.bulk_create(charges, batch_size=5000)
    return len(costs)


def focus_export() -> int:
    window = {"start": START, "end": END}
    return write_csv(FocusRows(**window), values=record_maker(**window), out=io.StringIO())


def baseline() -> int:
    writer, count = csv.writer(io.StringIO()), 0
    rows = CostData.objects.filter(date__gte=START, date__lt=END).values_list(*COST_FIELDS)
    for row in rows.order_by("date", "account_id", "service", "currency", "region").iterator(chunk_size=2000):
        writer.writerow(row)
        count += 1
    return count


def timed(work, repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        count = work()
        times.append(time.perf_counter() - began)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument("--regions", type=int, default=2, choices=range(len(REGIONS) + 1))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with bench_database():
        stored = seed(accounts=args.accounts, services=args.services, regions=args.regions)
        focus_time, rows = timed(focus_export, args.repeat)
        base_time, based = timed(baseline, args.repeat)
    print(f"stored cost rows: {stored:,} (baseline wrote {based:,}); FOCUS rows: {rows:,}")
    print(f"FOCUS export: {focus_time:.2f} s median, {rows / focus_time:,.0f} rows/s")
    print(f"baseline:     {base_time:.2f} s median, {based / base_time:,.0f} rows/s")
    ratio = (focus_time / rows) / (base_time / based)
    print(f"ratio export/baseline per row: {ratio:.2f}x (target <= 10x)")


if __name__ == "__main__":
    main()
