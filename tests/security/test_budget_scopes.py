"""What a scoped reader sees of budgets and anomalies: only those of its own accounts, never the organization's.

Budgets are the organization's unless their filters limit them to linked accounts: a scoped reader sees a budget
only when every account it is limited to is in the scope. An anomaly is seen only when each of its root causes is
in an account of the scope; one with no named account is the whole organization's.
"""

from decimal import Decimal

import pytest

from tests import factories
from tests.security.conftest import HIDDEN, SEEN, leaks, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def budgets_and_anomalies(two_accounts):
    factories.BudgetFactory(name="Organization", limit=Decimal("5000.5"))
    factories.BudgetFactory(name="Seen", linked_accounts=[SEEN], limit=Decimal("11.11"))
    factories.BudgetFactory(name="Both", linked_accounts=[SEEN, HIDDEN], limit=Decimal("88.88"))
    factories.BudgetFactory(name="Hidden", linked_accounts=[HIDDEN], limit=Decimal("77.77"))
    factories.CostAnomalyFactory(anomaly_id="seen", total_impact=Decimal("11.11"), root_causes__account_id=SEEN)
    hidden = factories.CostAnomalyFactory(
        anomaly_id="hidden", total_impact=Decimal("77.77"), root_causes__account_id=HIDDEN
    )
    mixed = factories.CostAnomalyFactory(
        anomaly_id="mixed", total_impact=Decimal("88.88"), root_causes__account_id=SEEN
    )
    mixed.root_causes.create(account_id=HIDDEN, service="S3")
    factories.CostAnomalyFactory(anomaly_id="organization", total_impact=Decimal("5000.5"))
    return hidden


@pytest.mark.parametrize(
    "url",
    ["/api/budgets", "/api/budgets?format=csv", "/api/budgets?active=false", "/api/anomalies",
     "/api/anomalies?format=csv", f"/api/anomalies?account_id={HIDDEN}", "/api/anomalies?open=false"],
)  # fmt: skip
def test_a_scoped_token_never_sees_another_accounts_budget_or_anomaly(budgets_and_anomalies, scoped_token, url):
    response = token_client(scoped_token).get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content

    assert response.status_code == 200
    assert leaks(body.decode()) == []


def test_a_scoped_token_sees_its_own_budgets_and_anomalies(budgets_and_anomalies, scoped_token, unscoped_token):
    scoped, unscoped = token_client(scoped_token), token_client(unscoped_token)

    assert [b["name"] for b in scoped.get("/api/budgets").json()["data"]] == ["Seen"]
    assert [a["anomaly_id"] for a in scoped.get("/api/anomalies").json()["data"]["anomalies"]] == ["seen"]
    assert scoped.get("/api/anomalies").json()["data"]["summary"] == {"count": 1, "impact": "11.1100000000"}
    # The same answers were cached for the unscoped reader first, or after: never shared.
    assert len(unscoped.get("/api/budgets").json()["data"]) == 4
    assert len(unscoped.get("/api/anomalies").json()["data"]["anomalies"]) == 4
    assert [b["name"] for b in scoped.get("/api/budgets").json()["data"]] == ["Seen"]
