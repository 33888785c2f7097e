"""/api/commitments: Savings Plans and reservations, their daily utilization and coverage, and when they end."""

from api.commitments import CommitmentParams, CommitmentsSerializer, RatioRowSerializer
from api.pagination import paginate
from api.schema import envelope_schema
from api.views.base import CSV_RENDERERS, CachedListViewSet, wants_csv
from collection.selectors.commitments import commitment_ratio_queryset, latest_ratios, live_commitments

CSV_COLUMNS = ["date", "type", "measure", "account_id", "ratio"]


class CommitmentViewSet(CachedListViewSet):
    renderer_classes = CSV_RENDERERS
    dataset, params_class = "commitments", CommitmentParams
    cache_prefix = "commitments"

    @envelope_schema(
        CommitmentsSerializer,
        params=CommitmentParams,
        csv=True,
        summary="Savings Plans and reservations",
        description="Daily utilization and coverage of the Savings Plans and the reservations (the organization's, "
        "and each account's reservation coverage) over a window (the last 30 days by default), and the live "
        "commitments with the end of their term. `format=csv` downloads every daily row.",
    )
    def list(self, request):
        params = self.query(request)
        scope = self.scope(request)
        kind, account = params.get("type"), params.get("account_id")
        rows = commitment_ratio_queryset(
            start=params["start"],
            end=params["end_exclusive"],
            commitment_type=kind,
            measure=params.get("measure"),
            account_id=account,
            scope=scope,
        ).order_by("date", "commitment_type", "measure", "account_id")
        if wants_csv(request):
            return self.csv_export(
                request,
                rows,
                serializer=RatioRowSerializer,
                columns=CSV_COLUMNS,
                filename=f"commitments_{params['start']}_{params['end']}.csv",
            )

        def compute():
            page_rows, page = paginate(rows, page=params["page"], page_size=params["page_size"])
            commitments = live_commitments(
                commitment_type=kind,
                account_id=account,
                expiring_within_days=params.get("expiring_within_days"),
                scope=scope,
            )
            latest = [] if account else latest_ratios(scope=scope)
            data = {**params, "latest": latest, "commitments": commitments, "series": page_rows}
            return CommitmentsSerializer(data).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        return params.get("type"), params.get("measure")
