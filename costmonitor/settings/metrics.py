"""Metrics and alerting (api/metrics/): /metrics access, series bounds, the budget. See the README's "Metrics"."""

from costmonitor.settings.base import env

METRICS_TOKEN = env.str("METRICS_TOKEN", default="")  # bearer token required on /metrics when set
METRICS_DAILY_DAYS = env.int("METRICS_DAILY_DAYS", default=7)  # days of aws_cost_daily series
MONTHLY_BUDGET_USD = env.float("MONTHLY_BUDGET_USD", default=0.0)  # 0: no budget gauge, no ForecastOverBudget
METRICS_ON_MAIN_PORT = env.bool("METRICS_ON_MAIN_PORT", default=True)  # false: only `serve_metrics` serves it
METRICS_ADDR = env.str("METRICS_ADDR", default="0.0.0.0")  # noqa: S104 - the metrics port is meant for scrapers
METRICS_PORT = env.int("METRICS_PORT", default=8080)
