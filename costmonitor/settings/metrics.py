"""Metrics and alerting (api/metrics/): /metrics access, series bounds, the budget. See the README's "Metrics"."""

from costmonitor.settings.base import DEBUG, env

METRICS_TOKEN = env.str("METRICS_TOKEN", default="")  # bearer token required on /metrics when set
METRICS_DAILY_DAYS = env.int("METRICS_DAILY_DAYS", default=7)  # days of aws_cost_daily series
METRICS_TOP_RESOURCES = env.int("METRICS_TOP_RESOURCES", default=20)  # aws_resource_cost series per currency
MONTHLY_BUDGET_USD = env.float("MONTHLY_BUDGET_USD", default=0.0)  # 0: no budget gauge, no ForecastOverBudget
# /metrics holds every account id and cost: the API port (reachable by API users) serves it in development, or
# behind METRICS_TOKEN; otherwise only the metrics port does. On without a token in production: costmonitor.E014.
METRICS_ON_MAIN_PORT = env.bool("METRICS_ON_MAIN_PORT", default=DEBUG or bool(METRICS_TOKEN))
# The metrics port's address (serve_metrics, and the web role's gunicorn): BIND_HOST's unless set.
METRICS_ADDR = env.str("METRICS_ADDR", default=env.str("BIND_HOST", default="0.0.0.0"))  # noqa: S104 - for scrapers
METRICS_PORT = env.int("METRICS_PORT", default=8080)
