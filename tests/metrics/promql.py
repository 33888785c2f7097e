"""The metric names that PromQL expressions of the dashboard and alert rules refer to."""

import json
import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "costmonitor.json"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless"}
STRINGS = re.compile(r'"(?:\\.|[^"\\])*"')
MATCHERS = re.compile(r"\{[^}]*\}")
RANGES = re.compile(r"\[[^\]]*\]")
GROUPINGS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
IDENTIFIER = re.compile(r"(?<![\w:.])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()")
# Grafana's variables, replaced the way the dashboard would on a short time range.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$account": ".*", "$currency": "USD"}


def dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    queries = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    for old, new in GRAFANA_VARIABLES.items():
        queries = [q.replace(old, new) for q in queries]
    return queries


def alert_rules() -> list[dict]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def metric_names(expr: str) -> set[str]:
    """Selectors' metric names: identifiers that are not functions, keywords, labels or numbers."""
    text = STRINGS.sub('""', expr)
    text = GROUPINGS.sub("", MATCHERS.sub("", RANGES.sub("", text)))
    return {name for name in IDENTIFIER.findall(text) if name not in KEYWORDS}
