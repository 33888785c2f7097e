"""Collection engine (collection/aws.py, collection/services/): AWS access, source, spend, windows; see "Collection"."""

from costmonitor.settings.base import env

AWS_REGION = env.str("AWS_REGION", default="us-east-1")
API_TIMEOUT = env.int("API_TIMEOUT", default=30)
COST_SOURCE = env.str("COST_SOURCE", default="auto")  # aws | demo | auto (aws when boto3 finds credentials)
AWS_ROLE_ARN = env.str("AWS_ROLE_ARN", default="")
AWS_EXTERNAL_ID = env.str("AWS_EXTERNAL_ID", default="")
AWS_MAX_ATTEMPTS = env.int("AWS_MAX_ATTEMPTS", default=5)
AWS_RETRY_DELAY_SCALE = env.float("AWS_RETRY_DELAY_SCALE", default=1.0)
# USD 50 a month: far above the default schedule of a mid-size organization (about 2,700 requests a month for
# 50 accounts x 20 services, bench/ce_requests.py) and its backfills, yet a bound on a runaway. 0: no budget.
CE_MONTHLY_REQUEST_BUDGET = env.int("CE_MONTHLY_REQUEST_BUDGET", default=5000)
# Pages one query may take (USD 10 at most); more means a runaway answer, and the run fails `TooManyPages`.
CE_MAX_PAGES_PER_QUERY = env.int("CE_MAX_PAGES_PER_QUERY", default=1000)
CE_HISTORY_MONTHS = env.int("CE_HISTORY_MONTHS", default=13)
CE_PROBE_MAX_AGE = env.int("CE_PROBE_MAX_AGE", default=1800)
COST_TAG_KEYS = env.list("COST_TAG_KEYS", default=[])
COST_HISTORY_DAYS = env.int("COST_HISTORY_DAYS", default=90)
COST_RESTATEMENT_DAYS = env.int("COST_RESTATEMENT_DAYS", default=3)
# Hours between probes of each tag key's values (a tag backfill moves cost between values); 0: every run.
TAG_PROBE_HOURS = env.int("TAG_PROBE_HOURS", default=24)
# Hours after which a scheduled costs or tags run re-fetches the whole open window; 0: every run.
COST_FULL_REFRESH_HOURS = env.int("COST_FULL_REFRESH_HOURS", default=168)
COST_REGION_BREAKDOWN = env.bool("COST_REGION_BREAKDOWN", default=False)
FORECAST_PER_ACCOUNT = env.bool("FORECAST_PER_ACCOUNT", default=False)
RECOMMENDATION_REFRESH_HOURS = env.int("RECOMMENDATION_REFRESH_HOURS", default=12)
# Days of Cost Anomaly Detection history each anomalies run re-reads (AWS keeps 90) and /metrics exports.
ANOMALY_DAYS = env.int("ANOMALY_DAYS", default=30)
COLLECTION_LOCK_TTL = env.int("COLLECTION_LOCK_TTL", default=30)
