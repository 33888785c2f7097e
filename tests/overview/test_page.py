"""The overview page at `/`: login, its figures against the API's for the same window, refused windows, markup."""

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from collection.models import CollectionRun
from overview.templatetags.overview import money
from tests import factories


def api_data(api_client, path: str, **params) -> dict:
    response = api_client.get(path, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["data"]


def figure(response, name: str, currency: str = "USD") -> str:
    """The text of the page's element marked `data-figure=name` for `currency`."""
    found = re.search(rf'data-figure="{name}" data-currency="{currency}">([^<]*)<', response.content.decode())
    assert found, f"no {name} figure in {currency}"
    return found.group(1)


def test_login_required_redirects_to_the_admin_login_and_back(client, db):
    response = client.get("/?start=2026-01-01")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/%3Fstart%3D2026-01-01"


def test_logging_in_through_the_admin_form_lands_on_the_overview(client, staff_user):
    response = client.post(
        "/admin/login/?next=/", {"username": "staff", "password": "s3cret-pass!", "next": "/"}, follow=True
    )
    assert response.redirect_chain[-1] == ("/", 302)
    assert b"cost overview" in response.content


def test_the_admin_view_site_link_is_the_overview(staff_client):
    response = staff_client.get("/admin/")
    assert b'href="/"' in response.content
    assert staff_client.get("/").status_code == 200


def test_trend_chart_and_tables_equal_api_costs_for_the_same_window(
    staff_client, api_client, overview_history, page_figures
):
    window = {"start": overview_history["start"].isoformat(), "end": overview_history["today"].isoformat()}
    response = staff_client.get("/", window)
    assert response.status_code == 200
    api = api_data(api_client, "/api/costs", group_by="service", **window)

    expected = {(row["period"], row["service"]): Decimal(row["amount"]) for row in api["rows"]}
    (chart,) = page_figures(response)["trend"]
    charted = {
        (day, dataset["label"]): Decimal(value)
        for dataset in chart["datasets"]
        for day, value in zip(chart["labels"], dataset["data"], strict=True)
        if value is not None
    }
    assert charted == expected
    assert len(expected) == 13  # 5 days of EC2 and S3, 3 of Lambda
    assert figure(response, "window-total") == money(Decimal(api["totals"]["USD"]))
    by_service = defaultdict(Decimal)
    for (_, service), amount in expected.items():
        by_service[service] += amount
    (services,) = response.context["top"]["services"]
    assert {row["service"]: row["amount"] for row in services["rows"]} == by_service


def test_top_accounts_equal_api_costs_grouped_by_account(staff_client, api_client, overview_history):
    window = {"start": overview_history["start"].isoformat(), "end": overview_history["today"].isoformat()}
    response = staff_client.get("/", window)
    api = api_data(api_client, "/api/costs", group_by="account", **window)
    by_account = defaultdict(Decimal)
    for row in api["rows"]:
        by_account[row["account_id"]] += Decimal(row["amount"])
    (accounts,) = response.context["top"]["accounts"]
    assert {row["account_id"]: row["amount"] for row in accounts["rows"]} == by_account
    assert [row["label"] for row in accounts["rows"]] == ["123456789012 payer", "210987654321 member"]


def test_month_to_date_equals_api_costs_default_window_and_shows_forecast_and_budget(
    staff_client, api_client, overview_history, settings
):
    settings.MONTHLY_BUDGET_USD = 500
    response = staff_client.get("/")
    api = api_data(api_client, "/api/costs")
    assert figure(response, "month-to-date") == money(Decimal(api["totals"]["USD"]))
    (row,) = response.context["month"]["rows"]
    assert row["to_date"] == Decimal(api["totals"]["USD"])
    # The forecast starts today: the month-end projection is what was incurred before today plus its mean.
    incurred = row["to_date"] - sum(
        Decimal(r["amount"])
        for r in api_data(api_client, "/api/costs", group_by="service")["rows"]
        if r["period"] == overview_history["today"].isoformat()
    )
    assert row["forecast"].mean == incurred + 900
    assert (row["forecast"].lower_bound, row["forecast"].upper_bound) == (incurred + 800, incurred + 1100)
    assert row["over_budget"] is True
    assert b"over budget" in response.content
    assert row["budget_used"] == row["to_date"] / 500


def test_untagged_share_equals_api_tags(staff_client, api_client, overview_history):
    window = {"start": overview_history["start"].isoformat(), "end": overview_history["today"].isoformat()}
    response = staff_client.get("/", window)
    (share,) = api_data(api_client, "/api/tags", **window)["untagged"]
    (key,) = response.context["tags"]
    assert (key["tag_key"], key["untagged_share"]) == (share["tag_key"], Decimal(share["untagged_share"]))
    assert key["untagged_share"] == Decimal("0.2000")
    assert b"20.0 %" in response.content


def test_recommendation_savings_equal_api_optimization(staff_client, api_client, overview_history):
    response = staff_client.get("/")
    summary = api_data(api_client, "/api/optimization")["summary"]
    total = sum(Decimal(row["estimated_monthly_savings"]) for row in summary)
    assert figure(response, "savings-total") == money(total) == "49.60"


def test_ce_spend_equals_api_runs(staff_client, api_client, overview_history):
    response = staff_client.get("/")
    spend = api_data(api_client, "/api/runs")["ce_spend_this_month"]
    content = response.content.decode()
    assert f'data-figure="ce-requests">{spend["requests"]}<' in content
    assert f'data-figure="ce-usd">{money(Decimal(spend["usd"]))}<' in content
    assert spend["requests"] == 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-13-01"}, "is in the right format but is no day of the calendar: month must be in 1..12."),
        ({"start": "2026-11-10", "end": "2026-11-01"}, "end: end is before start."),
        ({"stat": "2026-11-01"}, "Unknown parameter stat: the overview accepts start, end."),
        ({"end": "x" * 300}, "end: Date has wrong format."),
    ],
)
def test_a_refused_window_is_a_message_on_the_page_with_this_month_shown(
    staff_client, overview_history, query, message
):
    response = staff_client.get("/", query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert b"showing this month to date instead" in response.content
    assert response.context["query"].start == overview_history["today"].replace(day=1)


def test_a_window_starting_after_today_is_refused(staff_client, overview_history):
    tomorrow = overview_history["today"] + dt.timedelta(days=1)
    response = staff_client.get("/", {"start": tomorrow.isoformat()})
    assert response.status_code == 400
    assert b"start is after today" in response.content


def test_empty_form_fields_ask_for_the_default_window(staff_client, overview_history):
    response = staff_client.get("/", {"start": "", "end": ""})
    assert response.status_code == 200
    assert response.context["query"].start == overview_history["today"].replace(day=1)


def test_on_the_first_of_a_month_without_costs_yet_the_page_says_so(client, staff_user):
    with time_machine.travel(dt.datetime(2027, 6, 1, 0, 15, tzinfo=dt.UTC), tick=False):
        client.force_login(staff_user)  # a session of that day: one from today would have expired
        response = client.get("/")
    assert response.status_code == 200
    assert b"No cost recorded this month yet (the month began today" in response.content
    assert b"No cost data in this window." in response.content
    assert b"No data yet" in response.content


def test_currencies_are_never_added(staff_client, overview_history, page_figures):
    factories.CostDataFactory(account=overview_history["member"], service="Support", currency="EUR")
    response = staff_client.get("/")
    assert [chart["currency"] for chart in page_figures(response)["trend"]] == ["EUR", "USD"]
    assert figure(response, "window-total", "EUR") == "12.34"
    assert [group["currency"] for group in response.context["top"]["services"]] == ["EUR", "USD"]


def test_the_banner_says_demo_data(staff_client, db):
    factories.CollectionRunFactory(source="demo")
    response = staff_client.get("/")
    assert b"DEMO DATA" in response.content


def test_the_banner_names_the_organization_payer_masked_when_asked(staff_client, overview_history, settings):
    assert b"organization of payer account 123456789012 (payer)" in staff_client.get("/").content
    settings.MASK_ACCOUNT_IDS = True
    content = staff_client.get("/").content
    assert b"1234****9012 (payer)" in content
    assert b"123456789012" not in content


def test_collection_health_shows_each_kind_and_its_latest_run(staff_client, overview_history):
    finished = timezone.now() - dt.timedelta(days=3)
    factories.CollectionRunFactory(kind="tags", finished_at=finished)
    factories.CollectionRunFactory(kind="tags", status="failed", error_code="AccessDenied")
    response = staff_client.get("/")
    kinds = {row["kind"]: row for row in response.context["health"]["kinds"]}
    assert set(kinds) == {label for _, label in CollectionRun.Kind.choices}
    assert kinds["Tags"]["stale"] is True
    assert kinds["Tags"]["latest"].error_code == "AccessDenied"
    assert kinds["Accounts"]["last_success"] is None
    assert b"failed: AccessDenied" in response.content


def test_the_page_needs_no_inline_script_or_style(staff_client, overview_history):
    """A strict Content-Security-Policy (no 'unsafe-inline') must hold: scripts are files, data is JSON."""
    content = staff_client.get("/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", content)
    assert scripts
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert not re.search(r"\sstyle=|<style", content)
    assert "/static/vendor/chart.js-4.6.1/chart.umd.min.js" in content
    assert "//cdn" not in content


def test_the_vendored_chart_library_is_served_from_our_static_files(staff_client):
    response = staff_client.get("/static/vendor/chart.js-4.6.1/chart.umd.min.js")
    assert response.status_code == 200
    assert b"Chart.js v4.6.1" in b"".join(response.streaming_content)


def test_top_lists_show_ten_and_sum_the_rest(staff_client, db):
    account = factories.AwsAccountFactory()
    for n in range(12):
        factories.CostDataFactory(account=account, service=f"service-{n:02d}", unblended_cost=Decimal(100 - n))
    response = staff_client.get("/")
    (services,) = response.context["top"]["services"]
    assert [row["service"] for row in services["rows"]] == [f"service-{n:02d}" for n in range(10)]
    assert services["others"] == {"count": 2, "amount": Decimal(89 + 90), "share": Decimal(179) / services["total"]}
    assert b"2 others" in response.content
