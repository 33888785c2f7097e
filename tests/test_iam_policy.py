"""deploy/iam-policy.json allows exactly the AWS actions the collection code calls."""

import json
from pathlib import Path

from tests.iam_actions import policy_actions, required_actions

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "deploy" / "iam-policy.json"


def test_policy_allows_exactly_what_the_code_calls():
    required = required_actions(root=ROOT / "collection")
    allowed = policy_actions(POLICY)
    assert not required - allowed, f"called but not in {POLICY.name}: {sorted(required - allowed)}"
    assert not allowed - required, f"in {POLICY.name} but never called: {sorted(allowed - required)}"


def test_policy_is_least_privilege_in_form():
    for statement in json.loads(POLICY.read_text())["Statement"]:
        assert statement["Effect"] == "Allow"
        assert not any("*" in action for action in statement["Action"]), "no wildcard actions"
    assert "sts:AssumeRole" not in json.dumps(
        [s for s in json.loads(POLICY.read_text())["Statement"] if s["Resource"] == "*"]
    ), "AssumeRole is limited to costmonitor roles"


def test_a_new_aws_call_without_a_policy_change_is_caught(tmp_path):
    (tmp_path / "collector.py").write_text(
        "SERVICE = 'compute-optimizer'\n"
        "def collect(clients):\n"
        "    clients.client('ce').get_cost_and_usage(TimePeriod={})\n"
        "    clients.client('ce').get_dimension_values(TimePeriod={})\n"
        "    clients.client('organizations').get_paginator('list_roots')\n"
        "    getattr(clients.client(SERVICE), 'get_ebs_volume_recommendations')()\n"
        "    clients.client('sts').get_caller_identity()\n"
    )

    required = required_actions(root=tmp_path)

    assert required == {
        "ce:GetCostAndUsage",
        "ce:GetDimensionValues",
        "organizations:ListRoots",
        "compute-optimizer:GetEBSVolumeRecommendations",
    }
    assert required - policy_actions(POLICY) == {
        "ce:GetDimensionValues",
        "organizations:ListRoots",
        "compute-optimizer:GetEBSVolumeRecommendations",
    }


def test_dependent_actions_come_with_their_operation(tmp_path):
    (tmp_path / "optimizer.py").write_text(
        "def collect(session):\n"
        "    session.client(service_name='compute-optimizer').get_ec2_instance_recommendations()\n"
    )
    assert required_actions(root=tmp_path) == {
        "compute-optimizer:GetEC2InstanceRecommendations",
        "ec2:DescribeInstances",
    }


def test_operations_authorized_by_another_action_need_that_action(tmp_path):
    (tmp_path / "budgets.py").write_text(
        "def collect(ctx):\n"
        "    ctx.client('budgets').describe_budgets(AccountId='111122223333')\n"
        "    ctx.client('budgets').describe_notifications_for_budget(AccountId='1', BudgetName='b')\n"
    )
    assert required_actions(root=tmp_path) == {"budgets:ViewBudget"}
