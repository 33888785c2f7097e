"""collect_anomalies: the cost anomalies Cost Anomaly Detection reported over the last ANOMALY_DAYS days, with
their root causes, and the monitors that name them.

Both are Cost Explorer operations, billed USD 0.01 a request
(https://aws.amazon.com/aws-cost-management/aws-cost-explorer/pricing/): one GetAnomalies request a run (more for
over 100 anomalies), and GetAnomalyMonitors at most once a day, since monitors change only when someone edits them.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction

from collection.budget_models import FEEDBACK, MONITOR_TYPES, AnomalyMonitor, AnomalyRootCause, CostAnomaly
from collection.selectors.runs import called_since
from collection.services import parsing
from collection.services.context import CollectionContext, Outcome
from collection.services.listed import listed, number, optional_amount, optional_choice, year_month_day
from collection.services.pagination import CE_PAGE_KEY
from collection.services.upserts import check_account_ids, upsert

ANOMALIES_PAGE = 100  # each page is billed: large pages (the API documents no maximum)
MONITORS_OPERATION = "GetAnomalyMonitors"
# Once a day: an hour short of it, so that runs a day apart (every third of the 8-hourly schedule) fetch them.
MONITOR_REFRESH = timedelta(hours=23)
# Every column an answer sets but the key and first_seen: an anomaly already stored keeps when it was first seen.
ANOMALY_UPDATE = [f.name for f in CostAnomaly._meta.concrete_fields if f.name not in {"id", "anomaly_id", "first_seen"}]


def estimate_anomalies(*, start: date | None, end: date | None) -> int:
    return 2  # a page of anomalies, and the monitors once a day; more pages are rare


def _monitor(now: datetime):
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalyMonitor.html"""
    op = MONITORS_OPERATION

    def parse(entry: dict) -> AnomalyMonitor:
        return AnomalyMonitor(
            arn=parsing.field(entry, "MonitorArn", operation=op),  # optional in the model, but it names anomalies
            name=parsing.field(entry, "MonitorName", operation=op),
            monitor_type=parsing.choice(
                parsing.field(entry, "MonitorType", operation=op), choices=MONITOR_TYPES, operation=op, name="type"
            ),
            dimension=entry.get("MonitorDimension") or "",
            last_evaluated=year_month_day(entry.get("LastEvaluatedDate"), operation=op),
            last_seen=now,
        )

    return parse


def _root_cause(cause: dict) -> AnomalyRootCause:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_RootCause.html"""
    account = cause.get("LinkedAccount") or ""
    if account:
        check_account_ids([account])
    return AnomalyRootCause(
        service=cause.get("Service") or "",
        region=cause.get("Region") or "",
        account_id=account,
        account_name=cause.get("LinkedAccountName") or "",
        usage_type=cause.get("UsageType") or "",
        contribution=optional_amount(cause, "Impact", "Contribution", operation="GetAnomalies"),
    )


def _anomaly(now: datetime, monitors: dict[str, str]):
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Anomaly.html"""
    op = "GetAnomalies"

    def parse(entry: dict) -> tuple[CostAnomaly, list[AnomalyRootCause]]:
        causes = [_root_cause(c) for c in entry.get("RootCauses") or []]
        # The largest contribution names the anomaly's service and account; the first when none is known.
        top = max(causes, key=lambda c: (c.contribution is not None, c.contribution or 0), default=AnomalyRootCause())
        impact = parsing.field(entry, "Impact", operation=op)
        arn = parsing.field(entry, "MonitorArn", operation=op)
        anomaly = CostAnomaly(
            anomaly_id=parsing.field(entry, "AnomalyId", operation=op),
            monitor_arn=arn,
            monitor_name=monitors.get(arn, ""),
            start_date=year_month_day(entry.get("AnomalyStartDate"), operation=op),
            end_date=year_month_day(entry.get("AnomalyEndDate"), operation=op),
            dimension_value=entry.get("DimensionValue") or "",
            account_id=top.account_id,
            service=top.service,
            max_impact=parsing.amount(parsing.field(impact, "MaxImpact", operation=op), operation=op),
            total_impact=optional_amount(impact, "TotalImpact", operation=op),
            total_actual_spend=optional_amount(impact, "TotalActualSpend", operation=op),
            total_expected_spend=optional_amount(impact, "TotalExpectedSpend", operation=op),
            total_impact_percentage=optional_amount(impact, "TotalImpactPercentage", operation=op),
            max_score=number(
                parsing.field(entry, "AnomalyScore", "MaxScore", operation=op), operation=op, name="MaxScore"
            ),
            current_score=number(
                parsing.field(entry, "AnomalyScore", "CurrentScore", operation=op), operation=op, name="CurrentScore"
            ),
            feedback=optional_choice(entry.get("Feedback"), choices=FEEDBACK, operation=op, name="Feedback"),
            first_seen=now,
            last_seen=now,
        )
        return anomaly, causes

    return parse


def collect_anomalies(*, ctx: CollectionContext) -> Outcome:
    """Upsert the anomalies of the last ANOMALY_DAYS days; an anomaly no longer answered (older) is kept."""
    ce = ctx.client("ce")
    outcome = Outcome()
    since = ctx.now - MONITOR_REFRESH
    if ctx.force or not called_since(
        kind=ctx.kind, source=ctx.source, operation=f"ce:{MONITORS_OPERATION}", since=since
    ):
        monitors = listed(
            ce.get_anomaly_monitors,
            operation=MONITORS_OPERATION,
            params={},
            key="AnomalyMonitors",
            parse=_monitor(ctx.now),
            id_path=("MonitorArn",),
            page_key=CE_PAGE_KEY,
        )
        outcome.skip(monitors.skipped, what="GetAnomalyMonitors entries")
        outcome.rows += upsert(
            AnomalyMonitor,
            list({m.arn: m for m in monitors.rows}.values()),
            unique=["arn"],
            update=["name", "monitor_type", "dimension", "last_evaluated", "last_seen"],
        )
    # The anomalies whose AnomalyEndDate falls in the interval, as GetAnomalies selects them.
    interval = {
        "StartDate": (ctx.today - timedelta(days=settings.ANOMALY_DAYS)).isoformat(),
        "EndDate": ctx.today.isoformat(),
    }
    found = listed(
        ce.get_anomalies,
        operation="GetAnomalies",
        params={"DateInterval": interval, "MaxResults": ANOMALIES_PAGE},
        key="Anomalies",
        parse=_anomaly(ctx.now, dict(AnomalyMonitor.objects.values_list("arn", "name"))),
        id_path=("AnomalyId",),
        page_key=CE_PAGE_KEY,
    )
    outcome.skip(found.skipped, what="GetAnomalies entries")
    outcome.rows += store_anomalies({a.anomaly_id: (a, causes) for a, causes in found.rows})
    return outcome


@transaction.atomic
def store_anomalies(found: dict[str, tuple[CostAnomaly, list[AnomalyRootCause]]]) -> int:
    """Upsert the anomalies of `found` (by id) and replace each one's root causes."""
    written = upsert(CostAnomaly, [a for a, _ in found.values()], unique=["anomaly_id"], update=ANOMALY_UPDATE)
    stored = dict(CostAnomaly.objects.filter(anomaly_id__in=list(found)).values_list("anomaly_id", "pk"))
    AnomalyRootCause.objects.filter(anomaly_id__in=stored.values()).delete()
    causes = []
    for anomaly_id, (_, anomaly_causes) in found.items():
        for cause in anomaly_causes:
            cause.anomaly_id = stored[anomaly_id]
            causes.append(cause)
    AnomalyRootCause.objects.bulk_create(causes)
    return written + len(causes)
