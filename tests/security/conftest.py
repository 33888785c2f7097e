"""Fixtures of the security probes: two accounts with every dataset, a token scoped to one, a request helper,
users with and without the right to start collections, a statement that outlasts any timeout, and costs to read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import AccessScope
from api.tokens import issue_api_token
from collection.months import next_month
from tests import factories

SEEN, HIDDEN = "111111111111", "999999999999"
# Amounts no other figure can contain: the hidden account's and the organization's must never reach a scoped reader.
SEEN_COST, HIDDEN_COST = Decimal("11.11"), Decimal("77.77")
SEEN_TAG, HIDDEN_TAG = ("team", "web"), ("team", "data")


def leaks(text: str) -> list[str]:
    """What of the hidden account (its id, its costs, the organization's totals) `text` holds."""
    secrets = [HIDDEN, "77.77", "88.88", "777.7", "888.8", "55.55", "5000.5"]
    return [s for s in secrets if s in text]


@pytest.fixture
def two_accounts(db):
    """Two accounts, each with a day of cost, a forecast and a recommendation; tag costs for two team values;
    and the organization's forecast. Every hidden figure is distinct from every seen one and from their sums."""
    today = timezone.now().date()
    seen = factories.AwsAccountFactory(account_id=SEEN, name="team-web")
    hidden = factories.AwsAccountFactory(account_id=HIDDEN, name="team-data")
    for account, amount in ((seen, SEEN_COST), (hidden, HIDDEN_COST)):
        factories.CostDataFactory(account=account, date=today, unblended_cost=amount, amortized_cost=amount)
        factories.RecommendationFactory(account=account, estimated_monthly_savings=amount * 10)
        factories.CostForecastFactory(
            scope=account.account_id, period_start=today, period_end=next_month(today), mean=amount * 10
        )
    factories.CostForecastFactory(scope="", period_start=today, period_end=next_month(today), mean=Decimal("5000.5"))
    factories.TagCostFactory(date=today, tag_key=SEEN_TAG[0], tag_value=SEEN_TAG[1], amount=Decimal("33.33"))
    factories.TagCostFactory(date=today, tag_key=HIDDEN_TAG[0], tag_value=HIDDEN_TAG[1], amount=Decimal("55.55"))
    return {"seen": seen, "hidden": hidden, "today": today}


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user(username="team-web-reader", password="team-web-pass!")


@pytest.fixture
def unscoped_token(staff_user) -> str:
    return issue_api_token(username=staff_user.username)


@pytest.fixture
def scoped_token(two_accounts, reader, settings, _keep_test_connection) -> str:
    """A low-privilege user's token narrowed to the seen account and the seen tag value (unthrottled, for the many
    requests of a schemathesis run; the connection kept, for requests through the WSGI handler)."""
    settings.API_THROTTLE_RATE = "100000/min"
    token = issue_api_token(username=reader.username, name="web", account_ids=[SEEN])
    stored = reader.api_tokens.get()
    stored.tag_values = "=".join(SEEN_TAG)
    stored.save()
    return token


@pytest.fixture
def team_scope(two_accounts, reader) -> AccessScope:
    """The reader's user scope: the seen account and tag value (so each of its tokens and its session is scoped)."""
    scope = AccessScope.objects.create(name="web", tag_values="=".join(SEEN_TAG))
    scope.accounts.add(two_accounts["seen"])
    scope.users.add(reader)
    return scope


def token_client(token: str, **extra) -> APIClient:
    client = APIClient(**extra)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def window(today: dt.date) -> str:
    return f"start={today.replace(day=1)}&end={today}"


@pytest.fixture
def bare_staff(django_user_model):
    """A staff user with no permission at all: the admin lets them log in and do nothing."""
    return django_user_model.objects.create_user(username="bare-staff", password="b4re-staff!", is_staff=True)


@pytest.fixture
def runner(django_user_model):
    """A staff user holding exactly collection.add_collectionrun and collection.view_collectionrun."""
    user = django_user_model.objects.create_user(username="runner", password="runn3r-pass!", is_staff=True)
    codenames = ("add_collectionrun", "view_collectionrun")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="collection", codename__in=codenames))
    return user


# A statement that runs for about `seconds` on either database (SQLite has no sleep: a long recursive count).
SLOW_SQL = {
    "postgresql": "SELECT pg_sleep(%(seconds)s)",
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %(steps)s) "
    "SELECT count(*) FROM n",
}


@pytest.fixture
def slow_statement():
    """`slow_statement(seconds)`: run one statement on the default connection that takes about that long."""

    def run(seconds: float = 3.0) -> None:
        sql = SLOW_SQL[connection.vendor] % {"seconds": seconds, "steps": int(seconds * 5_000_000)}
        with connection.cursor() as cursor:
            cursor.execute(sql)

    return run


@pytest.fixture
def costs(db) -> dt.date:
    """Three days x two services of one account's cost, ending yesterday; returns the first day."""
    account = factories.AwsAccountFactory(account_id="111122223333")
    first = timezone.now().date() - dt.timedelta(days=3)
    for day in range(3):
        for service in ("Amazon EC2", "Amazon S3"):
            factories.CostDataFactory(
                account=account, date=first + dt.timedelta(days=day), service=service, unblended_cost=Decimal("1.5")
            )
    return first
