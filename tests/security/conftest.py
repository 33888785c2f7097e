"""Fixtures of the security probes: a statement that outlasts any timeout, and costs to read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from tests import factories

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
