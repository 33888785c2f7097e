"""Bounded work per request (issue 14, probe 1): a statement timeout, slots for uncached work, a throttle that
counts what a request costs, and caps on the groups of an answer and the rows of an export."""

import datetime as dt
import time

import factory
import pytest
from django.db import connection
from django.utils import timezone

from api.views import costs as costs_view
from api.work_limits import Slot
from tests import factories

pytestmark = pytest.mark.django_db


def window(first: dt.date, days: int = 3, **extra: str) -> str:
    query = {"start": first, "end": first + dt.timedelta(days=days - 1), "group_by": "service", **extra}
    return "&".join(f"{name}={value}" for name, value in query.items())


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert (body["status"], body["data"]) == ("error", None)
    return body["error"]


@pytest.fixture
def slow_costs(monkeypatch, slow_statement):
    """/api/costs whose breakdown runs a statement of 3 s before answering."""
    real = costs_view.cost_breakdown_page

    def slow(**query):
        slow_statement(3)
        return real(**query)

    monkeypatch.setattr(costs_view, "cost_breakdown_page", slow)


@pytest.mark.django_db(transaction=True)
def test_a_query_over_the_statement_timeout_is_a_503_query_timeout(api_client, costs, slow_costs, settings):
    settings.API_STATEMENT_TIMEOUT_MS = 200
    began = time.monotonic()
    found = error(api_client.get(f"/api/costs?{window(costs)}"), 503)
    assert time.monotonic() - began < 2
    assert found["code"] == "QUERY_TIMEOUT"
    assert "API_STATEMENT_TIMEOUT_MS (200 ms)" in found["message"]
    assert "month by month" in found["message"]


def show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's session settings")
@pytest.mark.django_db(transaction=True)
def test_an_api_statement_runs_limited_and_the_session_is_reset_after(api_client, costs, monkeypatch, settings):
    """During the request: the timeout, and no parallel workers (one process per slot). After it, the connection
    (kept for the next request, CONN_MAX_AGE) is back to the server's defaults."""
    settings.API_STATEMENT_TIMEOUT_MS = 1234
    defaults = {name: show(name) for name in ("statement_timeout", "max_parallel_workers_per_gather")}
    seen = {}
    real = costs_view.cost_breakdown_page

    def watched(**query):
        seen.update({name: show(name) for name in defaults})
        return real(**query)

    monkeypatch.setattr(costs_view, "cost_breakdown_page", watched)
    assert api_client.get(f"/api/costs?{window(costs)}").status_code == 200
    assert seen == {"statement_timeout": "1234ms", "max_parallel_workers_per_gather": "0"}
    assert {name: show(name) for name in defaults} == defaults


@pytest.mark.django_db(transaction=True)
def test_health_has_its_own_short_timeout(client, monkeypatch, slow_statement, settings):
    """A /health check stuck on the database answers within a second, as an envelope, instead of waiting."""
    settings.HEALTH_STATEMENT_TIMEOUT_MS = 100
    monkeypatch.setattr("api.health_checks.last_success_by_kind", lambda: slow_statement(3) or {})
    began = time.monotonic()
    response = client.get("/health")
    assert time.monotonic() - began < 1
    assert error(response, 503)["code"] == "QUERY_TIMEOUT"


def test_when_every_slot_is_taken_an_uncached_answer_is_a_503_with_retry_after(api_client, costs, settings):
    settings.API_MAX_CONCURRENT_QUERIES = 2
    cached = f"/api/costs?{window(costs)}"
    assert api_client.get(cached).status_code == 200
    taken = [Slot(), Slot()]
    try:
        response = api_client.get(f"/api/costs?{window(costs, days=2)}")
        found = error(response, 503)
        assert (found["code"], found["details"], response["Retry-After"]) == ("SERVER_BUSY", {"retry_after": 1}, "1")
        assert error(api_client.get(f"/api/costs?{window(costs, format='csv')}"), 503)["code"] == "SERVER_BUSY"
        # What needs no slot still answers: a cached answer, /health.
        assert api_client.get(cached).json()["metadata"]["cached"] is True
        assert api_client.get("/health").status_code == 200
    finally:
        for slot in taken:
            slot.release()
    assert api_client.get(f"/api/costs?{window(costs, days=2)}").status_code == 200


def test_exports_give_their_slot_back_read_or_refused(api_client, costs, settings):
    settings.API_MAX_CONCURRENT_QUERIES = 1
    settings.API_MAX_CSV_ROWS = 6
    for _ in range(3):
        response = api_client.get(f"/api/costs?{window(costs, format='csv', granularity='daily')}")
        assert response.status_code == 200
        assert len(b"".join(response.streaming_content).splitlines()) == 7
    settings.API_MAX_CSV_ROWS = 5
    for _ in range(2):
        assert error(api_client.get(f"/api/costs?{window(costs, format='csv')}"), 400)["code"] == "RESULT_TOO_LARGE"
    assert api_client.get(f"/api/costs?{window(costs, days=1)}").status_code == 200


def test_an_uncached_answer_counts_more_against_the_throttle_than_a_cached_one(
    api_client, costs, settings, minute_start
):
    settings.API_THROTTLE_RATE = "15/min"
    settings.API_UNCACHED_REQUEST_COST = 10
    assert api_client.get(f"/api/costs?{window(costs)}").status_code == 200  # 10 of 15
    for _ in range(5):  # 1 each
        assert api_client.get(f"/api/costs?{window(costs)}").json()["metadata"]["cached"] is True
    assert error(api_client.get(f"/api/costs?{window(costs)}"), 429)["code"] == "THROTTLED"


def test_a_second_uncached_answer_or_export_is_throttled_where_cached_ones_are_not(
    api_client, costs, settings, minute_start
):
    settings.API_THROTTLE_RATE = "15/min"
    settings.API_UNCACHED_REQUEST_COST = 10
    export = api_client.get(f"/api/costs?{window(costs, format='csv')}")
    assert b"".join(export.streaming_content).startswith(b"period,service,amount,currency")
    response = api_client.get(f"/api/costs?{window(costs)}")
    assert error(response, 429)["code"] == "THROTTLED"
    assert int(response["Retry-After"]) > 0


def test_a_breakdown_over_the_group_cap_is_refused_naming_the_cap_and_the_way_out(api_client, costs, settings):
    settings.API_MAX_GROUPS = 5
    found = error(api_client.get(f"/api/costs?{window(costs, granularity='daily')}"), 400)
    assert found["code"] == "RESULT_TOO_LARGE"
    assert found["details"] == {"count": 6, "limit": 5, "setting": "API_MAX_GROUPS"}
    assert "more than API_MAX_GROUPS (5)" in found["message"]
    assert "a month at a time" in found["message"]
    # The same window in fewer groups is answered.
    body = api_client.get(f"/api/costs?{window(costs, granularity='monthly')}").json()
    assert body["status"] == "success"


def test_an_export_over_the_row_cap_is_refused_before_any_row_is_sent(api_client, costs, settings):
    settings.API_MAX_CSV_ROWS = 5
    found = error(api_client.get(f"/api/costs?{window(costs, format='csv', granularity='daily')}"), 400)
    assert found["details"] == {"count": 6, "limit": 5, "setting": "API_MAX_CSV_ROWS"}
    assert "a month at a time" in found["message"]
    response = api_client.get(f"/api/costs?{window(costs, format='csv', granularity='monthly')}")
    assert response["Content-Type"].startswith("text/csv")
    # Two months when the three days cross a month's end.
    months = {(costs + dt.timedelta(days=day)).replace(day=1) for day in range(3)}
    assert len(b"".join(response.streaming_content).splitlines()) == 1 + 2 * len(months)


def test_tags_and_recommendations_are_capped_too(api_client, settings):
    factories.TagCostFactory.create_batch(3, tag_value=factory.Sequence(lambda n: f"team-{n}"))
    factories.RecommendationFactory.create_batch(3)
    settings.API_MAX_GROUPS = 2
    settings.API_MAX_CSV_ROWS = 2
    tags = f"/api/tags?start={timezone.now().date() - dt.timedelta(days=1)}"
    assert error(api_client.get(tags), 400)["details"]["setting"] == "API_MAX_GROUPS"
    assert error(api_client.get(f"{tags}&format=csv"), 400)["details"]["count"] == 3
    assert error(api_client.get("/api/optimization?format=csv"), 400)["details"]["setting"] == "API_MAX_CSV_ROWS"
