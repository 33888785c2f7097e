"""Fixtures shared by the collection tests."""

import pytest
from moto import mock_aws

from tests.collection.helpers import SAVINGS_PLANS, rightsizing, stub


@pytest.fixture
def optimization_stubs(aws_source, client_hooks):
    """Two rightsizing pages and one Savings Plans answer; STS comes from moto."""
    stub(
        client_hooks,
        "ce",
        [
            (
                "get_rightsizing_recommendation",
                {"RightsizingRecommendations": [rightsizing("i-aaa", "40.5")], "NextPageToken": "2"},
            ),
            ("get_rightsizing_recommendation", {"RightsizingRecommendations": [rightsizing("i-bbb", "10")]}),
            ("get_savings_plans_purchase_recommendation", SAVINGS_PLANS),
        ],
    )
    with mock_aws():
        yield client_hooks
