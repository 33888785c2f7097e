"""The overview's commitments section: the same latest ratios and expiring commitments as /api/commitments."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from overview.templatetags.overview import percent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitments():
    factories.CommitmentRatioFactory(ratio=Decimal("0.875"))
    factories.CommitmentRatioFactory(
        date=timezone.now().date() - dt.timedelta(days=2), ratio=Decimal("0.5")
    )  # an older day: not the latest
    factories.CommitmentFactory(commitment_id="400000001", ends_at=timezone.now() + dt.timedelta(days=12))
    factories.CommitmentFactory(commitment_id="400000002", ends_at=timezone.now() + dt.timedelta(days=120))


def test_the_page_shows_the_apis_latest_utilization_and_what_expires_within_30_days(
    staff_client, api_client, commitments
):
    page = staff_client.get("/").content.decode()
    api = api_client.get("/api/commitments?expiring_within_days=30").json()["data"]

    latest = re.search(r'data-figure="commitment-savings_plans-utilization">([^<]*)<', page).group(1)
    assert latest == percent(Decimal(api["latest"][0]["ratio"])) == "87.5 %"
    assert re.findall(r'data-figure="expiring">([^<]*)<', page) == [c["id"] for c in api["commitments"]]
    assert re.findall(r'data-figure="live-2">([^<]*)<', page) == ["2"]


def test_an_organization_without_commitments_is_told_so(staff_client):
    page = staff_client.get("/").content.decode()

    assert "No Savings Plan or reservation ends within 30 days." in page
    assert 'data-figure="commitment-' not in page
