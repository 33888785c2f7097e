"""System checks of the settings' ranges and choices: one table of rules, each naming a variable and what it allows."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Rule:
    """`variable` must be `allowed` (formatted with `settings`), which `allows` tests; `value` reads it, by default
    from the setting of the same name."""

    id: str
    variable: str
    allowed: str
    allows: Callable[[Any], bool]
    value: Callable[[], Any] | None = None
    level: type[checks.CheckMessage] = checks.Error
    hint: str | None = None


def _positive(value: int) -> bool:
    return value >= 1


def _rate(value: str) -> bool:
    """A DRF throttle rate: a positive count of requests per second, minute, hour or day ("20/min")."""
    return bool(re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", str(value)))


# DuckDB's size settings: a number and a unit. https://duckdb.org/docs/stable/configuration/overview.html
_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
# S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def _size(value: str) -> bool:
    return bool(_SIZE.fullmatch(str(value).strip()))


def _needed_by_exports(value: str, pattern: re.Pattern | None = None) -> bool:
    """Empty is allowed only while no dataset comes from the Data Export; a value must match `pattern`."""
    if not value:
        return not settings.DATA_EXPORTS_DATASETS
    return pattern is None or bool(pattern.fullmatch(value))


# Athena's Glue database and table names: lower-case letters, digits and underscores; workgroups also take . and -.
# https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html
_GLUE_NAME = re.compile(r"[a-z0-9_]{1,255}")
_WORKGROUP = re.compile(r"[a-zA-Z0-9._-]{1,128}")


def _needed_by_athena(value: str, pattern: re.Pattern) -> bool:
    """Empty is allowed only while the Athena engine is not chosen; a value must match `pattern`."""
    if not value:
        return settings.DATA_EXPORTS_ENGINE != "athena"
    return bool(pattern.fullmatch(value))


def _engines() -> tuple[str, ...]:
    from collection.data_exports.engines import ENGINES

    return tuple(ENGINES)


RULES = (
    Rule("costmonitor.E001", "COST_SOURCE", "auto, aws or demo", lambda value: value in {"auto", "aws", "demo"}),
    # One AWS call makes at most 10 HTTP attempts (collection.errors.MAX_HTTP_ATTEMPTS_PER_CALL): botocore's, in rounds.
    Rule("costmonitor.E002", "AWS_MAX_ATTEMPTS", "between 1 and 10", lambda value: 1 <= value <= 10),
    Rule("costmonitor.E003", "CE_HISTORY_MONTHS", "a positive integer", _positive),
    Rule("costmonitor.E004", "COST_HISTORY_DAYS", "a positive integer", _positive),
    Rule("costmonitor.E005", "COLLECTION_LOCK_TTL", "a positive integer", _positive),
    Rule("costmonitor.E006", "CE_MONTHLY_REQUEST_BUDGET", "0 or more (0: no budget)", lambda value: value >= 0),
    Rule("costmonitor.E009", "TAG_PROBE_HOURS", "0 or more (0: every run)", lambda value: value >= 0),
    Rule("costmonitor.E010", "COST_FULL_REFRESH_HOURS", "0 or more (0: every run)", lambda value: value >= 0),
    Rule("costmonitor.E007", "METRICS_DAILY_DAYS", "between 1 and 62", lambda value: 1 <= value <= 62),
    Rule("costmonitor.E008", "MONTHLY_BUDGET_USD", "0 or more (0: no budget)", lambda value: value >= 0),
    Rule("costmonitor.E011", "CE_MAX_PAGES_PER_QUERY", "a positive integer", _positive),
    # The current month and the one before, which AWS restates until it closes it, are never expired.
    Rule(
        "costmonitor.E012",
        "HISTORY_RETENTION_MONTHS",
        "0 (keep everything) or at least 2 months (the current one and the one before)",
        lambda value: value == 0 or value >= 2,
    ),
    # Shorter, the first costs run would fetch (and pay Cost Explorer for) days that the next expiry deletes.
    Rule(
        "costmonitor.W002",
        "HISTORY_RETENTION_MONTHS",
        "0 or at least COST_HISTORY_DAYS / 28 + 1 months ({settings.COST_HISTORY_DAYS} days of first-run history)",
        lambda value: value == 0 or 28 * (value - 1) >= settings.COST_HISTORY_DAYS,
        level=checks.Warning,
        hint="Raise HISTORY_RETENTION_MONTHS or lower COST_HISTORY_DAYS.",
    ),
    # GetAnomalies answers anomalies of the last 90 days only.
    # https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetAnomalies.html
    Rule("costmonitor.E033", "ANOMALY_DAYS", "between 1 and 90", lambda value: 1 <= value <= 90),
    # The API port is reachable by every API user (and often the internet); /metrics shows every account and cost.
    Rule(
        "costmonitor.E014",
        "METRICS_ON_MAIN_PORT",
        "false while DEBUG is off and METRICS_TOKEN is unset",
        lambda on: not on or settings.DEBUG or bool(settings.METRICS_TOKEN),
        hint="Set METRICS_TOKEN (Prometheus sends it as a bearer token), or scrape the metrics port (METRICS_PORT).",
    ),
    Rule("costmonitor.E031", "API_AUTH_FAILURE_RATE", "a rate such as 20/min (per s, min, hour or day)", _rate),
    Rule(
        "costmonitor.E032",
        "API_NUM_PROXIES",
        "0 or more",
        lambda value: value >= 0,
        value=lambda: settings.REST_FRAMEWORK.get("NUM_PROXIES", 0),
    ),
    Rule("costmonitor.E020", "API_STATEMENT_TIMEOUT_MS", "0 or more (0: no limit)", lambda value: value >= 0),
    Rule("costmonitor.E021", "HEALTH_STATEMENT_TIMEOUT_MS", "0 or more (0: no limit)", lambda value: value >= 0),
    Rule("costmonitor.E022", "API_MAX_CONCURRENT_QUERIES", "a positive integer", _positive),
    Rule("costmonitor.E027", "API_DB_PARALLEL_WORKERS", "0 or more", lambda value: value >= 0),
    Rule("costmonitor.E023", "API_UNCACHED_REQUEST_COST", "a positive integer", _positive),
    Rule("costmonitor.E024", "API_MAX_GROUPS", "a positive integer", _positive),
    Rule("costmonitor.E025", "API_MAX_CSV_ROWS", "a positive integer", _positive),
    Rule("costmonitor.E026", "API_CACHE_MAX_ENTRY_BYTES", "a positive integer", _positive),
    Rule(
        "costmonitor.E040",
        "DATA_EXPORTS_DATASETS",
        "empty or a comma-separated list of costs and tags",
        lambda value: set(value) <= {"costs", "tags"},
    ),
    Rule("costmonitor.E041", "DATA_EXPORTS_FORMAT", "cur2 or focus1.2", lambda value: value in {"cur2", "focus1.2"}),
    Rule(
        "costmonitor.E042",
        "DATA_EXPORTS_ENGINE",
        "an engine of collection/data_exports/engines.py (duckdb, athena)",
        lambda value: value in _engines(),
    ),
    Rule(
        "costmonitor.E043",
        "DATA_EXPORTS_BUCKET",
        "an S3 bucket name (set whenever DATA_EXPORTS_DATASETS is)",
        lambda value: _needed_by_exports(value, _BUCKET),
    ),
    Rule(
        "costmonitor.E044",
        "DATA_EXPORTS_EXPORT_NAME",
        "the export's name (set whenever DATA_EXPORTS_DATASETS is)",
        lambda value: _needed_by_exports(value) and "/" not in value,
    ),
    Rule("costmonitor.E045", "DATA_EXPORTS_MONTHS", "a positive integer", _positive),
    Rule(
        "costmonitor.E090",
        "DATA_EXPORTS_TOP_RESOURCES",
        "between 0 (keep no resource) and 1000 resources per service and day",
        lambda value: 0 <= value <= 1000,
    ),
    Rule(
        "costmonitor.E091",
        "METRICS_TOP_RESOURCES",
        "between 0 and 500 series per currency",
        lambda value: 0 <= value <= 500,
    ),
    Rule("costmonitor.E046", "DUCKDB_MEMORY_LIMIT", "a size such as 512MB or 2GB", _size),
    Rule("costmonitor.E047", "DUCKDB_THREADS", "a positive integer", _positive),
    Rule("costmonitor.E048", "DUCKDB_MAX_TEMP_SIZE", "a size such as 10GB", _size),
    Rule(
        "costmonitor.E060",
        "ATHENA_DATABASE",
        "a Glue database name: lower-case letters, digits, _ (set whenever DATA_EXPORTS_ENGINE is athena)",
        lambda value: _needed_by_athena(value, _GLUE_NAME),
    ),
    Rule(
        "costmonitor.E061",
        "ATHENA_TABLE",
        "a Glue table name: lower-case letters, digits, _ (set whenever DATA_EXPORTS_ENGINE is athena)",
        lambda value: _needed_by_athena(value, _GLUE_NAME),
    ),
    Rule(
        "costmonitor.E062",
        "ATHENA_WORKGROUP",
        "an Athena workgroup name: letters, digits, . _ -",
        lambda value: bool(_WORKGROUP.fullmatch(value)),
    ),
    Rule(
        "costmonitor.E063",
        "ATHENA_OUTPUT_LOCATION",
        "empty (the workgroup's result location) or an s3:// URI",
        lambda value: not value or bool(re.fullmatch(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\S*)?", value)),
    ),
    Rule(
        "costmonitor.E064",
        "ATHENA_MAX_BYTES_PER_RUN",
        "at least 10485760 (Athena bills 10 MB a query at least)",
        lambda value: value >= 10 * 2**20,
    ),
    Rule("costmonitor.E065", "ATHENA_MONTHLY_BUDGET_USD", "0 (no budget) or more", lambda value: value >= 0),
    Rule("costmonitor.E066", "ATHENA_POLL_SECONDS", "0 or more", lambda value: value >= 0),
    Rule("costmonitor.E067", "ATHENA_QUERY_TIMEOUT_SECONDS", "a positive integer", _positive),
    # Redis hands an unacknowledged task out again after its visibility timeout. Collections acknowledge late,
    # so that timeout must exceed the hard time limit: only then is a task delivered again only once its worker is
    # gone, which the single-flight lock relies on to let the new delivery take over the old one's lease.
    # https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
    Rule(
        "costmonitor.W001",
        "CELERY_VISIBILITY_TIMEOUT",
        "more than CELERY_TASK_TIME_LIMIT ({settings.CELERY_TASK_TIME_LIMIT} s)",
        lambda timeout: timeout is None or timeout > settings.CELERY_TASK_TIME_LIMIT,
        value=lambda: getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("visibility_timeout"),
        level=checks.Warning,
        hint="Raise CELERY_VISIBILITY_TIMEOUT or lower CELERY_TASK_TIME_LIMIT: a slow but healthy collection "
        "would otherwise be delivered again and run twice at once.",
    ),
)


# Registered on import: costmonitor/celery.py, which every process loads, imports this module.
@checks.register(checks.Tags.compatibility)
def check_settings(**_kwargs: Any) -> list[checks.CheckMessage]:
    """A message for every rule the settings break, naming the variable, its value and what is allowed."""
    messages = []
    for rule in RULES:
        value = rule.value() if rule.value else getattr(settings, rule.variable)
        if not rule.allows(value):
            text = f"{rule.variable} must be {rule.allowed.format(settings=settings)}, not {value!r}."
            messages.append(rule.level(text, hint=rule.hint, id=rule.id))
    return messages


def _redis_instance(url: str) -> tuple[str, int] | None:
    """`(host, port)` of a redis:// or rediss:// URL (its database number aside), else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        return None
    try:
        return (parts.hostname or "localhost", parts.port or 6379)
    except ValueError:  # a port that is not a number: Redis itself will refuse the URL
        return None


@checks.register(checks.Tags.caches)
def check_separate_redis(**_kwargs: Any) -> list[checks.CheckMessage]:
    """Warn, with DEBUG off, when the cache and the Celery broker share one Redis instance.

    The cache must evict (maxmemory with allkeys-lru) and the broker must never (noeviction): a full shared
    Redis would drop queued collections or refuse to queue them. Both policies are per instance, whatever the
    database numbers. https://redis.io/docs/latest/develop/reference/eviction/
    """
    cache, broker = _redis_instance(settings.REDIS_URL), _redis_instance(settings.CELERY_BROKER_URL)
    if settings.DEBUG or cache is None or cache != broker:
        return []
    return [
        checks.Warning(
            f"REDIS_URL and CELERY_BROKER_URL point at the same Redis instance ({cache[0]}:{cache[1]}).",
            hint="Run the cache in a Redis with maxmemory and allkeys-lru and the broker in another with noeviction "
            '(docs/deployment.md, "Redis"); SILENCED_SYSTEM_CHECKS=costmonitor.W020 accepts the risk.',
            id="costmonitor.W020",
        )
    ]


def refuse_invalid_settings() -> None:
    """Raise ImproperlyConfigured, with every error on one line, when a rule reports an error (not a warning)."""
    errors = [message for message in check_settings() if message.is_serious()]
    if errors:
        raise ImproperlyConfigured(" ".join(f"({error.id}) {error.msg}" for error in errors))
