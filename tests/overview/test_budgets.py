"""The overview's AWS budgets: as /api/budgets lists them, apart from MONTHLY_BUDGET_USD, narrowed by scope."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from api.models import AccessScope
from tests import factories

pytestmark = pytest.mark.django_db


class BudgetRows(HTMLParser):
    """The cells' texts of each `<tr data-budget>` of the page, by budget name."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr" and "data-budget" in dict(attrs):
            self.row = self.rows.setdefault(dict(attrs)["data-budget"], [])
        elif tag == "td" and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def budget_rows(response) -> dict[str, list[str]]:
    parser = BudgetRows()
    parser.feed(response.content.decode())
    return parser.rows


def test_aws_budgets_show_limit_actual_and_forecast_beside_monthly_budget_usd(staff_client, api_client, settings):
    settings.MONTHLY_BUDGET_USD = 1000
    factories.BudgetFactory(name="Production", limit=Decimal(100), actual=Decimal("120.5"), forecast=Decimal(240))
    factories.BudgetFactory(name="Storage", budget_type="USAGE", unit="GB", limit=Decimal(5000), forecast=None)
    factories.BudgetFactory(name="Deleted in AWS", active=False)
    response = staff_client.get("/")

    rows = budget_rows(response)
    assert rows["Production"] == [
        "Production", "Cost", "Monthly", "100.00", "120.50", "240.00", "USD", "120.5 %",
        "240.0 % forecast over its limit",
    ]  # fmt: skip
    assert rows["Storage"][3:7] == ["5,000.00", "400.00", "\u2013", "GB"]
    assert list(rows) == [b["name"] for b in api_client.get("/api/budgets").json()["data"]]
    assert b"Budget (MONTHLY_BUDGET_USD)" in response.content


def test_a_scoped_reader_sees_only_the_budgets_of_its_accounts(client, django_user_model):
    reader = django_user_model.objects.create_user(username="web", password="w3b-reader!")
    scope = AccessScope.objects.create(name="web")
    scope.accounts.add(factories.AwsAccountFactory(account_id="111111111111"))
    scope.users.add(reader)
    factories.BudgetFactory(name="Organization")
    factories.BudgetFactory(name="Web", linked_accounts=["111111111111"])
    client.force_login(reader)

    assert list(budget_rows(client.get("/"))) == ["Web"]


def test_without_budgets_the_page_says_so(staff_client):
    assert b"No AWS budget collected." in staff_client.get("/").content
