"""The IAM actions code needs, derived from its boto3 calls: an AST scan mapped through botocore's service models."""

import ast
import json
from pathlib import Path

import botocore.session
from botocore import xform_name

# Operations AWS allows without any permission.
# https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
NO_PERMISSION_NEEDED = {"sts:GetCallerIdentity"}
# Actions Athena checks besides its own when a query reads a Glue table and writes its results to S3.
# https://docs.aws.amazon.com/athena/latest/ug/managed-policies.html (AWSQuicksightAthenaAccess: the actions a
# query needs) and https://docs.aws.amazon.com/athena/latest/ug/glue-athena.html
ATHENA_QUERY = {"glue:GetDatabase", "glue:GetTable", "glue:GetPartitions", "s3:GetBucketLocation", "s3:PutObject"}
# Actions AWS checks besides the operation's own: EC2 recommendations also need ec2:DescribeInstances.
# https://docs.aws.amazon.com/compute-optimizer/latest/ug/security-iam.html
DEPENDENT_ACTIONS = {
    "compute-optimizer:GetEC2InstanceRecommendations": {"ec2:DescribeInstances"},
    "athena:StartQueryExecution": ATHENA_QUERY,
    "athena:GetTableMetadata": {"glue:GetTable"},
}
# Operations authorized by an action of another name: ListObjectsV2 by s3:ListBucket, AWS Budgets' reads by
# budgets:ViewBudget.
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html#API_ListObjectsV2_Permissions
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbudgetservice.html
ACTION_NAMES = {
    "s3:ListObjectsV2": "s3:ListBucket",
    "budgets:DescribeBudgets": "budgets:ViewBudget",
    "budgets:DescribeNotificationsForBudget": "budgets:ViewBudget",
}
SERVICE_KEYWORDS = {"service", "service_name"}
# Identifiers that name library functions, not operations: botocore.session.get_session() is no athena:GetSession.
LIBRARY_FUNCTIONS = {"get_session"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _string(node: ast.AST, constants: dict[str, str]) -> str | None:
    """A string literal, or a name (`CE_SERVICE`, `aws.CE_SERVICE`) bound to one at module level."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return constants.get(_name(node))


def _module_constants(trees: list[ast.Module]) -> dict[str, str]:
    return {
        target.id: node.value.value
        for tree in trees
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def services_used(trees: list[ast.Module], *, available: set[str]) -> set[str]:
    """Services named to anything that builds a client (`client("ce")`, `session.client(SERVICE)`, `service="ce"`)."""
    constants = _module_constants(trees)
    named: set[str | None] = set()
    for tree in trees:
        for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
            if "client" in _name(call.func).lower() and call.args:
                named.add(_string(call.args[0], constants))
            named.update(_string(kw.value, constants) for kw in call.keywords if kw.arg in SERVICE_KEYWORDS)
    return named & available


def identifiers(trees: list[ast.Module]) -> set[str]:
    """Attribute names and string literals: `client.get_tags`, `get_paginator("list_accounts")`, `getattr(c, "x")`."""
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                found.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def required_actions(*, root: Path) -> set[str]:
    """Every IAM action the Python code under `root` needs for the AWS operations it calls."""
    trees = [ast.parse(path.read_text(), filename=str(path)) for path in sorted(root.rglob("*.py"))]
    session = botocore.session.get_session()
    names = identifiers(trees) - LIBRARY_FUNCTIONS
    actions: set[str] = set()
    for service in services_used(trees, available=set(session.get_available_services())):
        model = session.get_service_model(service)
        # The IAM prefix is the service's signing name (e.g. "ce", "compute-optimizer").
        actions |= {f"{model.signing_name}:{op}" for op in model.operation_names if xform_name(op) in names}
    actions = {ACTION_NAMES.get(action, action) for action in actions} - NO_PERMISSION_NEEDED
    return actions.union(*(DEPENDENT_ACTIONS.get(action, set()) for action in actions))


def policy_actions(path: Path) -> set[str]:
    """The actions an IAM policy document allows."""
    statements = json.loads(path.read_text())["Statement"]
    return {
        action
        for statement in statements
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }
