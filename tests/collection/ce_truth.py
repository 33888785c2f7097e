"""A Cost Explorer with a known ground truth behind the real boto3 client, for collections on their scheduled path.

GetCostAndUsage, GetTags and ListCostCategoryDefinitions are answered from cost lines (day, account, service, charge
type, tags, cost category values, metrics) and cost category definitions the
test edits between runs, the way Cost Explorer restates a bill. The answer short-circuits botocore at
`before-call`, as botocore's Stubber does, after botocore validated the request against the `ce` model, and is
itself validated against the operation's output shape (as Stubber validates), so every answer is one AWS could send.
"""

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ParamValidationError
from botocore.validate import ParamValidator

from collection.cost_metrics import COST_METRICS

MODEL = botocore.session.get_session().get_service_model("ce")
CENTS = Decimal("0.01")


@dataclass
class Line:
    day: dt.date
    account: str
    service: str
    charge_type: str
    metrics: dict[str, Decimal]  # Cost Explorer metric name → amount
    tags: dict[str, str] = field(default_factory=dict)
    # Cost category name → the value Cost Explorer reports this line's cost under: a rule's value, the category's
    # default value, or (left out) "" for cost no rule matched in a category without a default.
    categories: dict[str, str] = field(default_factory=dict)

    def key(self, dimension: dict) -> str:
        if dimension["Type"] == "TAG":
            return f"{dimension['Key']}${self.tags.get(dimension['Key'], '')}"
        if dimension["Type"] == "COST_CATEGORY":
            return f"{dimension['Key']}${self.categories.get(dimension['Key'], '')}"
        return {"LINKED_ACCOUNT": self.account, "SERVICE": self.service, "RECORD_TYPE": self.charge_type}[
            dimension["Key"]
        ]


@dataclass
class CostExplorerTruth:
    lines: list[Line]
    today: dt.date
    page_size: int = 100
    # An answer's last edit before it is validated and sent: drop what the model lets AWS leave out.
    edit: Callable[[dict, dict], dict] = lambda params, answer: answer
    calls: list[tuple[str, dict]] = field(default_factory=list)
    # ListCostCategoryDefinitions: the CostCategoryReferences (each member optional), this many a page.
    category_references: list[dict] = field(default_factory=list)
    references_per_page: int = 100

    # --- what the collections must end up storing ---
    def sums(self, *dimensions: str, start: dt.date | None = None) -> dict[tuple, dict[str, Decimal]]:
        """The metrics summed per day and `dimensions` (Line attributes), every stored metric by its field name."""
        totals: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: {m.field: Decimal(0) for m in COST_METRICS})
        for line in self.lines:
            if start is None or line.day >= start:
                row = totals[(line.day, *(getattr(line, d) for d in dimensions))]
                for metric in COST_METRICS:
                    row[metric.field] += line.metrics[metric.ce]
        return dict(totals)

    def estimated(self, day: dt.date) -> bool:
        return day >= self.today.replace(day=1)

    # --- the API ---
    def install(self, client) -> None:
        client.meta.events.register("before-call.ce.*", self._answer)

    def _answer(self, model, params, **kwargs):
        """`params` is the serialized request, already validated: `ce` is a JSON protocol, so its body holds them."""
        handler = {
            "GetCostAndUsage": self.get_cost_and_usage,
            "GetTags": self.get_tags,
            "ListCostCategoryDefinitions": self.list_cost_category_definitions,
        }[model.name]
        params = json.loads(params["body"])
        self.calls.append((model.name, params))
        answer = self.edit(params, handler(params))
        report = ParamValidator().validate(answer, MODEL.operation_model(model.name).output_shape)
        if report.has_errors():
            raise ParamValidationError(report=report.generate_report())
        return AWSResponse(None, 200, {}, None), answer

    def _days(self, period: dict) -> list[dt.date]:
        start, end = dt.date.fromisoformat(period["Start"]), dt.date.fromisoformat(period["End"])
        end = min(end, self.today + dt.timedelta(days=1))
        return [start + dt.timedelta(days=i) for i in range((end - start).days)]

    def _selected(self, params: dict) -> list[Line]:
        accounts = params.get("Filter", {}).get("Dimensions", {}).get("Values")
        return [line for line in self.lines if accounts is None or line.account in accounts]

    @staticmethod
    def _money(amounts: dict[str, Decimal], metrics: list[str]) -> dict:
        return {m: {"Amount": str(amounts[m]), "Unit": "USD"} for m in metrics}

    def _result(self, day: dt.date, **members) -> dict:
        period = {"Start": str(day), "End": str(day + dt.timedelta(days=1))}
        return {"TimePeriod": period, **members, "Estimated": self.estimated(day)}

    def get_cost_and_usage(self, params: dict) -> dict:
        assert params["Granularity"] == "DAILY"
        metrics, group_by, days = params["Metrics"], params.get("GroupBy", []), self._days(params["TimePeriod"])
        by_day: dict[dt.date, dict[tuple, dict[str, Decimal]]] = {day: {} for day in days}
        for line in self._selected(params):
            if line.day in by_day:
                group = by_day[line.day].setdefault(tuple(line.key(d) for d in group_by), defaultdict(Decimal))
                for metric in metrics:
                    group[metric] += line.metrics[metric]
        if not group_by:
            totals = {day: groups.get((), defaultdict(Decimal)) for day, groups in by_day.items()}
            return {
                "ResultsByTime": [self._result(d, Total=self._money(t, metrics), Groups=[]) for d, t in totals.items()]
            }
        # Pages cut the sequence of (day, group), a day without any group taking a place of its own.
        items = [(day, keys, amounts) for day, groups in by_day.items() for keys, amounts in groups.items()]
        items += [(day, None, None) for day, groups in by_day.items() if not groups]
        items.sort(key=lambda item: item[0])
        offset = int(params.get("NextPageToken", 0))
        page: dict[dt.date, list] = {}
        for day, keys, amounts in items[offset : offset + self.page_size]:
            groups = page.setdefault(day, [])
            if keys is not None:
                groups.append({"Keys": list(keys), "Metrics": self._money(amounts, metrics)})
        answer = {
            "ResultsByTime": [self._result(day, Total={}, Groups=groups) for day, groups in page.items()],
            "GroupDefinitions": group_by,
        }
        if offset + self.page_size < len(items):
            answer["NextPageToken"] = str(offset + self.page_size)
        return answer

    def get_tags(self, params: dict) -> dict:
        keys = sorted({key for line in self.lines for key in line.tags})
        return {"Tags": keys, "ReturnSize": len(keys), "TotalSize": len(keys)}

    def list_cost_category_definitions(self, params: dict) -> dict:
        """A page of `category_references`; the last page has no NextToken, an empty list no references at all."""
        size = min(params.get("MaxResults", 100), self.references_per_page)
        offset = int(params.get("NextToken", 0))
        answer = {}
        if self.category_references:
            answer["CostCategoryReferences"] = self.category_references[offset : offset + size]
        if offset + size < len(self.category_references):
            answer["NextToken"] = str(offset + size)
        return answer
