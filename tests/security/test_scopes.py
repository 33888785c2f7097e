"""Probe 11: a scoped user or token sees its accounts and tag values only, in every endpoint, total, summary and
CSV, cached or not; an unscoped one sees everything, as before."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from api import auth_cache
from api.models import AccessScope, ApiToken
from api.tokens import issue_api_token
from collection.selectors import Scope, cost_totals
from tests.security.conftest import HIDDEN, SEEN, leaks, token_client, window

pytestmark = pytest.mark.django_db


def answers(two_accounts) -> list[str]:
    """A request to every dataset endpoint, with the groupings, totals, summaries and CSV exports they offer."""
    days = window(two_accounts["today"])
    return [
        f"/api/costs?{days}",
        f"/api/costs?{days}&group_by=account,service",
        f"/api/costs?{days}&granularity=monthly&group_by=account",
        f"/api/costs?{days}&group_by=region",
        f"/api/costs?{days}&account_id={HIDDEN}",
        f"/api/costs?{days}&group_by=account&format=csv",
        "/api/forecast",
        f"/api/forecast?account_id={HIDDEN}",
        f"/api/tags?{days}",
        f"/api/tags?{days}&group_by=service&format=csv",
        f"/api/tags?{days}&tag_key=team&tag_value=data",
        "/api/optimization",
        f"/api/optimization?account_id={HIDDEN}&format=csv",
        "/api/accounts",
        f"/api/accounts/{HIDDEN}",
    ]


def data_of(response) -> str:
    """What an answer tells its reader: a CSV's whole text, else the envelope's data and error."""
    if response["Content-Type"].startswith("text/csv"):
        return b"".join(response.streaming_content).decode()
    body = response.json()
    return json.dumps([body["data"], body["error"]])


def test_a_scoped_token_never_sees_another_account_even_from_the_cache(two_accounts, scoped_token, unscoped_token):
    """The unscoped reader fills the cache first, with every figure; the scoped token's answers, fresh then cached
    (through the one-round-trip read), hold none of the hidden account's."""
    urls = answers(two_accounts)
    unscoped, scoped = token_client(unscoped_token), token_client(scoped_token)
    for url in urls:
        assert leaks(data_of(unscoped.get(url))), f"the fixture shows nothing hidden at {url}"
    for attempt in range(2):
        for url in urls:
            response = scoped.get(url)
            assert response.status_code in (200, 404), url
            assert leaks(data_of(response)) == [], f"{url} (attempt {attempt + 1})"


def test_another_process_never_serves_a_scoped_token_the_shared_answer(two_accounts, scoped_token, unscoped_token):
    """A worker process that never saw the token names the cached answer with the shared scope before reading the
    token's entry (cached by another process): that answer must not be served to it."""
    url = f"/api/costs?{window(two_accounts['today'])}&group_by=account"
    token_client(unscoped_token).get(url)
    scoped = token_client(scoped_token)
    scoped.get(url)  # the token's entry is cached now, with its scope
    auth_cache._scope_hints.clear()  # as in a process that never authenticated it
    response = scoped.get(url)
    assert leaks(data_of(response)) == []
    assert json.loads(data_of(response))[0]["total"] == "11.1100000000"


def test_a_scoped_token_sees_its_own_share_and_totals(two_accounts, scoped_token):
    client = token_client(scoped_token)
    days = window(two_accounts["today"])
    costs = client.get(f"/api/costs?{days}&group_by=account").json()["data"]
    assert (costs["total"], costs["totals"], [r["account_id"] for r in costs["rows"]]) == (
        "11.1100000000",
        {"USD": "11.1100000000"},
        [SEEN],
    )
    optimization = client.get("/api/optimization").json()["data"]
    assert [(s["count"], s["estimated_monthly_savings"]) for s in optimization["summary"]] == [(1, "111.1000000000")]
    assert [a["account_id"] for a in client.get("/api/accounts").json()["data"]] == [SEEN]
    assert client.get(f"/api/accounts/{SEEN}").status_code == 200
    assert client.get(f"/api/accounts/{HIDDEN}").json()["error"]["code"] == "NOT_FOUND"


def test_a_scoped_token_sees_its_accounts_forecasts_never_the_organizations(two_accounts, scoped_token):
    forecasts = token_client(scoped_token).get("/api/forecast").json()["data"]
    assert [(f["account_id"], f["mean"]) for f in forecasts] == [(SEEN, "111.1000000000")]


def test_tag_costs_are_shown_for_the_scopes_tag_values_only(two_accounts, scoped_token, reader):
    days = window(two_accounts["today"])
    tags = token_client(scoped_token).get(f"/api/tags?{days}").json()["data"]
    assert [(r["tag_value"], r["amount"]) for r in tags["rows"]] == [("web", "33.3300000000")]
    assert [(u["tag_key"], u["total"]) for u in tags["untagged"]] == [("team", "33.3300000000")]
    accounts_only = issue_api_token(username=reader.username, name="accounts only", account_ids=[SEEN])
    assert token_client(accounts_only).get(f"/api/tags?{days}").json()["data"]["rows"] == []


def test_collection_runs_are_for_unscoped_readers_only(two_accounts, scoped_token, unscoped_token, fake_enqueue):
    response = token_client(scoped_token).get("/api/runs")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "PERMISSION_DENIED")
    assert token_client(scoped_token).post("/api/runs", {"kind": "costs"}, format="json").status_code == 403
    assert token_client(unscoped_token).get("/api/runs").status_code == 200


def test_a_users_scope_applies_to_its_session_and_every_token(client, two_accounts, team_scope, reader, unscoped_token):
    token_client(unscoped_token).get("/api/accounts")  # the unscoped answer is cached first
    client.force_login(reader)
    assert [a["account_id"] for a in client.get("/api/accounts").json()["data"]] == [SEEN]
    assert client.get("/api/runs").status_code == 403
    token = issue_api_token(username=reader.username)  # the token narrows nothing: the user's scope holds
    assert [a["account_id"] for a in token_client(token).get("/api/accounts").json()["data"]] == [SEEN]


def test_the_overview_page_shows_a_scoped_user_its_accounts_only(client, two_accounts, team_scope, reader, staff_user):
    """The page reads through the same selectors with the user's scope: no hidden id or figure, no organization's
    forecast, no collection runs (which describe the whole organization)."""
    client.force_login(staff_user)
    unscoped = client.get("/").content.decode()
    assert HIDDEN in unscoped
    assert 'id="health"' in unscoped
    client.force_login(reader)
    page = client.get("/").content.decode()
    assert SEEN in page
    assert leaks(page) == []
    assert 'id="health"' not in page


def test_a_token_only_narrows_its_users_scope(two_accounts, team_scope, reader):
    """A token naming an account outside its user's scope gets nothing more: scopes are intersected."""
    token = issue_api_token(username=reader.username, account_ids=[HIDDEN])
    assert token_client(token).get("/api/accounts").json()["data"] == []


def test_a_user_in_no_scope_sees_everything(two_accounts, unscoped_token):
    accounts = token_client(unscoped_token).get("/api/accounts").json()["data"]
    assert {a["account_id"] for a in accounts} == {SEEN, HIDDEN}


def test_a_scoped_cached_answer_costs_no_database_query(two_accounts, scoped_token, django_assert_num_queries):
    client = token_client(scoped_token)
    url = f"/api/costs?{window(two_accounts['today'])}"
    client.get(url)
    with django_assert_num_queries(0):
        body = client.get(url).json()
    assert (body["metadata"]["cached"], body["data"]["total"]) == (True, "11.1100000000")


def test_the_selectors_are_unscoped_by_default_as_metrics_read_them(two_accounts):
    today = two_accounts["today"]
    day = {"start": today, "end": today + dt.timedelta(days=1)}
    assert cost_totals(**day) == {"USD": Decimal("88.88")}
    only_seen = Scope(accounts=frozenset({SEEN}), tags=frozenset())
    assert cost_totals(**day, scope=only_seen) == {"USD": Decimal("11.11")}


def test_the_admin_edits_scopes(staff_client, two_accounts, reader):
    response = staff_client.post(
        reverse("admin:api_accessscope_add"),
        {"name": "web team", "users": [reader.pk], "accounts": [SEEN], "tag_values": "team=web\nteam="},
    )
    assert response.status_code == 302
    scope = AccessScope.objects.get()
    assert scope.as_scope() == Scope(accounts=frozenset({SEEN}), tags=frozenset({("team", "web"), ("team", "")}))
    refused = staff_client.post(reverse("admin:api_accessscope_add"), {"name": "bad", "tag_values": "no equals sign"})
    assert b"is not key=value" in refused.content
    token = ApiToken.objects.create(user=reader, name="t", digest="0" * 64, prefix="cm_x")
    change = staff_client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert b'name="accounts"' in change.content
    assert b'name="tag_values"' in change.content
