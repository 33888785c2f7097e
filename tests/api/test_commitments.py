"""/api/commitments: daily utilization and coverage, the live commitments and their ends, filters, CSV, scopes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.tokens import issue_api_token
from collection.cache_versions import bump_dataset_versions
from collection.models import Commitment, CommitmentRatio
from tests.factories import AwsAccountFactory

pytestmark = pytest.mark.django_db

SEEN, HIDDEN = "111111111111", "999999999999"


@pytest.fixture
def stored():
    today = timezone.now().date()
    days = [today - dt.timedelta(days=n) for n in (2, 1)]
    for day in days:
        for kind in ("savings_plans", "reservations"):
            for measure in ("utilization", "coverage"):
                CommitmentRatio.objects.create(
                    date=day,
                    commitment_type=kind,
                    measure=measure,
                    ratio=Decimal("0.9") - Decimal((today - day).days) / 10,
                )
    CommitmentRatio.objects.create(
        date=days[1], commitment_type="reservations", measure="coverage", account_id=SEEN, ratio=Decimal("0.42")
    )
    CommitmentRatio.objects.create(
        date=days[1], commitment_type="reservations", measure="coverage", account_id=HIDDEN, ratio=Decimal("0.13")
    )
    now = timezone.now()
    for kind, ident, account, days_left in (
        ("savings_plans", "sp-1", SEEN, 200),
        ("reservations", "r-hidden", HIDDEN, 20),
        ("reservations", "r-ended", SEEN, -1),
    ):
        Commitment.objects.create(
            commitment_type=kind,
            commitment_id=ident,
            account_id=account,
            ends_at=now + dt.timedelta(days=days_left, hours=1),
            last_seen=now,
        )
    return {"today": today, "days": days}


def answer(client, query: str = "") -> dict:
    response = client.get(f"/api/commitments{query}")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_series_latest_and_live_commitments(api_client, stored):
    data = answer(api_client)

    assert data["start"] == str(stored["today"] - dt.timedelta(days=30))
    assert len(data["series"]) == 10
    first = data["series"][0]
    assert first == {
        "date": str(stored["days"][0]),
        "type": "reservations",
        "measure": "coverage",
        "account_id": None,
        "ratio": "0.700000",
    }
    assert {(r["type"], r["measure"]): r["ratio"] for r in data["latest"]} == {
        ("reservations", "coverage"): "0.800000",
        ("reservations", "utilization"): "0.800000",
        ("savings_plans", "coverage"): "0.800000",
        ("savings_plans", "utilization"): "0.800000",
    }
    # The ended reservation is no longer live; the soonest end comes first.
    assert [(c["id"], c["days_left"]) for c in data["commitments"]] == [("r-hidden", 20), ("sp-1", 200)]


def test_filters_narrow_series_and_commitments(api_client, stored):
    data = answer(api_client, f"?type=reservations&measure=coverage&account_id={SEEN}")
    assert [(r["account_id"], r["ratio"]) for r in data["series"]] == [(SEEN, "0.420000")]
    assert data["commitments"] == []  # the seen account's reservation has ended
    assert data["latest"] == []
    expiring = answer(api_client, "?expiring_within_days=30")["commitments"]
    assert [c["id"] for c in expiring] == ["r-hidden"]


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("?type=savings", "type", "savings_plans"),
        ("?measure=use", "measure", "utilization"),
        ("?expiring_within_days=-1", "expiring_within_days", "0"),
        ("?account_id=12", "account_id", "12 digits"),
        ("?kind=reservations", "kind", "expiring_within_days"),
    ],
)
def test_bad_parameters_are_refused_with_what_is_accepted(api_client, query, field, says):
    response = api_client.get(f"/api/commitments{query}")

    assert response.status_code == 400
    detail = response.json()["error"]["details"][0]
    assert detail["field"] == field
    assert says in detail["message"]


def test_csv_has_every_daily_row(api_client, stored):
    response = api_client.get("/api/commitments?format=csv&page_size=1&type=reservations&measure=coverage")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "date,type,measure,account_id,ratio"
    assert len(lines) == 1 + 2 + 2


def test_a_finished_collection_invalidates_the_cached_answer(api_client, stored):
    assert answer(api_client, "?type=savings_plans")["series"]
    CommitmentRatio.objects.filter(commitment_type="savings_plans").delete()
    assert answer(api_client, "?type=savings_plans")["series"]  # cached

    bump_dataset_versions(datasets=["commitments"])

    assert answer(api_client, "?type=savings_plans")["series"] == []


def test_a_scoped_token_sees_its_accounts_only_never_the_organizations_series(stored, django_user_model):
    AwsAccountFactory(account_id=SEEN)
    reader = django_user_model.objects.create_user(username="web-reader", password="web-reader-pass!")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_token(username=reader.username, account_ids=[SEEN])}")

    data = answer(client)

    assert [(r["account_id"], r["ratio"]) for r in data["series"]] == [(SEEN, "0.420000")]
    assert data["latest"] == []
    assert [c["id"] for c in data["commitments"]] == ["sp-1"]
    assert HIDDEN not in str(data)
