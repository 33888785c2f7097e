"""Collection engine (collection/aws.py, collection/services/): AWS access, source, spend, windows; see "Collection"."""

from costmonitor.settings.base import DATA_DIR, env

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
# Calendar months of dated history kept, the current one included; older whole months are deleted daily
# (collection/services/retention.py). 0: everything is kept.
HISTORY_RETENTION_MONTHS = env.int("HISTORY_RETENTION_MONTHS", default=0)

# AWS Data Exports (collection/data_exports/): which datasets the export feeds instead of Cost Explorer, where it is
# delivered, its table, and the engine that reads it. Empty DATA_EXPORTS_DATASETS: Cost Explorer feeds everything.
DATA_EXPORTS_DATASETS = env.list("DATA_EXPORTS_DATASETS", default=[])  # costs, tags
DATA_EXPORTS_BUCKET = env.str("DATA_EXPORTS_BUCKET", default="")
DATA_EXPORTS_PREFIX = env.str("DATA_EXPORTS_PREFIX", default="")
DATA_EXPORTS_EXPORT_NAME = env.str("DATA_EXPORTS_EXPORT_NAME", default="")
DATA_EXPORTS_FORMAT = env.str("DATA_EXPORTS_FORMAT", default="cur2")  # cur2 | focus1.2
DATA_EXPORTS_ENGINE = env.str("DATA_EXPORTS_ENGINE", default="duckdb")
DATA_EXPORTS_MONTHS = env.int("DATA_EXPORTS_MONTHS", default=13)
# The costliest resources kept per service and day from the export (ResourceCost; 0: none are kept).
DATA_EXPORTS_TOP_RESOURCES = env.int("DATA_EXPORTS_TOP_RESOURCES", default=20)
# DuckDB in the worker: bounded memory and threads, spilling to a directory of bounded size.
DUCKDB_MEMORY_LIMIT = env.str("DUCKDB_MEMORY_LIMIT", default="1GB")
DUCKDB_THREADS = env.int("DUCKDB_THREADS", default=2)
DUCKDB_TEMP_DIRECTORY = env.str("DUCKDB_TEMP_DIRECTORY", default=str(DATA_DIR / "duckdb"))
DUCKDB_MAX_TEMP_SIZE = env.str("DUCKDB_MAX_TEMP_SIZE", default="10GB")
# Athena (DATA_EXPORTS_ENGINE=athena): the export's Glue table, the workgroup and result location its queries use,
# and what they may scan: per run, and per month in USD (USD 5 per TB; 0: no monthly budget).
ATHENA_CATALOG = env.str("ATHENA_CATALOG", default="AwsDataCatalog")
ATHENA_DATABASE = env.str("ATHENA_DATABASE", default="")
ATHENA_TABLE = env.str("ATHENA_TABLE", default="")
ATHENA_WORKGROUP = env.str("ATHENA_WORKGROUP", default="primary")
ATHENA_OUTPUT_LOCATION = env.str("ATHENA_OUTPUT_LOCATION", default="")  # s3://…/; empty: the workgroup's own
ATHENA_MAX_BYTES_PER_RUN = env.int("ATHENA_MAX_BYTES_PER_RUN", default=200 * 2**30)
ATHENA_MONTHLY_BUDGET_USD = env.float("ATHENA_MONTHLY_BUDGET_USD", default=10.0)
ATHENA_POLL_SECONDS = env.float("ATHENA_POLL_SECONDS", default=1.0)
ATHENA_QUERY_TIMEOUT_SECONDS = env.int("ATHENA_QUERY_TIMEOUT_SECONDS", default=1800)
