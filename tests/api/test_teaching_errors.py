"""Mistakes get answers that teach: unknown parameters listed against the accepted ones, the nearest choice
suggested, an impossible day told apart from a wrong format, the field the user gave blamed, the stored coverage on
an empty answer, and a hint about `Token` for a Bearer header."""

import datetime as dt

import pytest
import time_machine

from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def refusal(response) -> dict[str, dict]:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    return {detail["field"]: detail for detail in error["details"]}


def test_an_unknown_parameter_is_refused_with_the_accepted_ones(api_client):
    details = refusal(api_client.get("/api/costs", {"stat": "2026-11-01"}))
    assert details["stat"]["code"] == "unknown_parameter"
    message = details["stat"]["message"]
    assert "accepted:" in message
    assert all(name in message for name in ("start", "end", "group_by", "metric", "format"))


def test_format_is_not_an_unknown_parameter(api_client):
    assert api_client.get("/api/costs", {"format": "json"}).status_code == 200


def test_an_invalid_choice_suggests_the_nearest(api_client):
    message = refusal(api_client.get("/api/costs", {"group_by": "servce"}))["group_by"]["message"]
    assert "did you mean 'service'?" in message
    assert "account, charge_type, region, service" in message


def test_a_choice_far_from_any_suggests_none(api_client):
    message = refusal(api_client.get("/api/costs", {"metric": "zzz"}))["metric"]["message"]
    assert "did you mean" not in message
    assert "amortized" in message


def test_an_impossible_day_is_told_apart_from_a_wrong_format(api_client):
    impossible = refusal(api_client.get("/api/costs", {"start": "2026-11-01", "end": "2026-11-31"}))["end"]
    assert impossible["code"] == "no_such_day"
    assert "right format" in impossible["message"]
    assert "day is out of range" in impossible["message"]
    wrong_format = refusal(api_client.get("/api/costs", {"start": "30/02/2026"}))["start"]
    assert wrong_format["code"] == "invalid"
    assert "YYYY-MM-DD" in wrong_format["message"]


def test_a_too_long_window_blames_the_date_given(api_client):
    assert set(refusal(api_client.get("/api/costs", {"start": "2020-01-01"}))) == {"start"}
    assert set(refusal(api_client.get("/api/costs", {"start": "2020-01-01", "end": "2026-11-01"}))) == {"end"}


def test_an_end_before_the_default_start_blames_end(api_client):
    details = refusal(api_client.get("/api/costs", {"start": "2026-11-10", "end": "2026-11-01"}))
    assert set(details) == {"end"}


def test_an_answer_without_data_carries_the_stored_coverage(api_client):
    factories.CostDataFactory(date=dt.date(2026, 10, 3))
    factories.CostDataFactory(date=dt.date(2026, 10, 9))
    body = api_client.get("/api/costs", {"start": "2026-11-01", "end": "2026-11-05"}).json()
    assert body["data"]["rows"] == []
    assert body["metadata"]["coverage"] == {"first_day": "2026-10-03", "last_day": "2026-10-09"}
    with_rows = api_client.get("/api/costs", {"start": "2026-10-01", "end": "2026-10-31"}).json()
    assert with_rows["data"]["rows"]
    assert "coverage" not in with_rows["metadata"]


@pytest.mark.parametrize("endpoint", ["/api/costs", "/api/tags", "/api/cost-categories"])
def test_coverage_is_null_when_nothing_is_stored(api_client, endpoint):
    assert api_client.get(endpoint).json()["metadata"]["coverage"] is None


def test_a_tags_answer_without_data_carries_the_stored_tag_coverage(api_client):
    factories.CostDataFactory(date=dt.date(2026, 9, 1))  # cost days are not tag days
    factories.TagCostFactory(date=dt.date(2026, 10, 3))
    factories.TagCostFactory(date=dt.date(2026, 10, 9), tag_value="")
    body = api_client.get("/api/tags", {"start": "2026-11-01", "end": "2026-11-05"}).json()
    assert (body["data"]["rows"], body["data"]["untagged"]) == ([], [])
    assert body["metadata"]["coverage"] == {"first_day": "2026-10-03", "last_day": "2026-10-09"}
    filtered = api_client.get("/api/tags", {"start": "2026-10-01", "end": "2026-10-31", "tag_key": "owner"}).json()
    assert filtered["metadata"]["coverage"] == {"first_day": "2026-10-03", "last_day": "2026-10-09"}
    with_rows = api_client.get("/api/tags", {"start": "2026-10-01", "end": "2026-10-31"}).json()
    assert with_rows["data"]["rows"]
    assert "coverage" not in with_rows["metadata"]


def test_tag_coverage_holds_only_the_days_a_scoped_reader_may_see(api_client, api_user):
    from api.models import AccessScope

    scope = AccessScope.objects.create(name="web", tag_values="team=web")
    scope.users.add(api_user)
    factories.TagCostFactory(date=dt.date(2026, 10, 3), tag_value="platform")
    factories.TagCostFactory(date=dt.date(2026, 10, 7), tag_value="web")
    body = api_client.get("/api/tags", {"start": "2026-11-01", "end": "2026-11-05"}).json()
    assert body["metadata"]["coverage"] == {"first_day": "2026-10-07", "last_day": "2026-10-07"}


def test_a_bearer_header_gets_a_hint_about_token(client):
    response = client.get("/api/costs", HTTP_AUTHORIZATION="Bearer abc123")
    assert response.status_code == 401
    assert "Token <token>" in response.json()["error"]["message"]
