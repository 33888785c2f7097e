"""Settings: ranges and choices are system checks naming the variable, its value and what is allowed."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from costmonitor.checks import check_settings, refuse_invalid_settings

# (setting, a value it refuses, the check's id, what the message says is allowed)
REFUSED = [
    ("COST_SOURCE", "bogus", "costmonitor.E001", "auto, aws or demo"),
    ("AWS_MAX_ATTEMPTS", 0, "costmonitor.E002", "between 1 and 10"),
    ("AWS_MAX_ATTEMPTS", 11, "costmonitor.E002", "between 1 and 10"),
    ("CE_HISTORY_MONTHS", 0, "costmonitor.E003", "a positive integer"),
    ("COST_HISTORY_DAYS", -1, "costmonitor.E004", "a positive integer"),
    ("COLLECTION_LOCK_TTL", 0, "costmonitor.E005", "a positive integer"),
    ("CE_MONTHLY_REQUEST_BUDGET", -1, "costmonitor.E006", "0 or more (0: no budget)"),
    ("METRICS_DAILY_DAYS", 0, "costmonitor.E007", "between 1 and 62"),
    ("METRICS_DAILY_DAYS", 63, "costmonitor.E007", "between 1 and 62"),
    ("MONTHLY_BUDGET_USD", -0.5, "costmonitor.E008", "0 or more (0: no budget)"),
    ("TAG_PROBE_HOURS", -1, "costmonitor.E009", "0 or more (0: every run)"),
    ("COST_FULL_REFRESH_HOURS", -24, "costmonitor.E010", "0 or more (0: every run)"),
    ("CE_MAX_PAGES_PER_QUERY", 0, "costmonitor.E011", "a positive integer"),
    (
        "HISTORY_RETENTION_MONTHS",
        1,
        "costmonitor.E012",
        "0 (keep everything) or at least 2 months (the current one and the one before)",
    ),
    (
        "HISTORY_RETENTION_MONTHS",
        -3,
        "costmonitor.E012",
        "0 (keep everything) or at least 2 months (the current one and the one before)",
    ),
    ("ANOMALY_DAYS", 0, "costmonitor.E033", "between 1 and 90"),
    ("ANOMALY_DAYS", 91, "costmonitor.E033", "between 1 and 90"),
    (
        "DATA_EXPORTS_TOP_RESOURCES",
        -1,
        "costmonitor.E090",
        "between 0 (keep no resource) and 1000 resources per service and day",
    ),
    (
        "DATA_EXPORTS_TOP_RESOURCES",
        1001,
        "costmonitor.E090",
        "between 0 (keep no resource) and 1000 resources per service and day",
    ),
    ("METRICS_TOP_RESOURCES", 501, "costmonitor.E091", "between 0 and 500 series per currency"),
]
CHECKED = sorted({setting for setting, *_ in REFUSED})


@pytest.mark.parametrize(("setting", "value", "check_id", "allowed"), REFUSED)
def test_a_value_out_of_range_is_a_check_error(settings, setting, value, check_id, allowed):
    setattr(settings, setting, value)
    expected = f"({check_id}) {setting} must be {allowed}, not {value!r}."
    with pytest.raises(SystemCheckError, match=re.escape(expected)):
        call_command("check")


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("COST_SOURCE", "demo"),
        ("AWS_MAX_ATTEMPTS", 1),
        ("AWS_MAX_ATTEMPTS", 10),
        ("CE_MONTHLY_REQUEST_BUDGET", 0),
        ("CE_MAX_PAGES_PER_QUERY", 1),
        ("METRICS_DAILY_DAYS", 1),
        ("METRICS_DAILY_DAYS", 62),
        ("MONTHLY_BUDGET_USD", 0.0),
        ("ANOMALY_DAYS", 1),
        ("ANOMALY_DAYS", 90),
        ("HISTORY_RETENTION_MONTHS", 0),
        ("HISTORY_RETENTION_MONTHS", 5),  # 4 whole months before the current one hold COST_HISTORY_DAYS=90
    ],
)
def test_values_at_the_bounds_pass(settings, setting, value):
    setattr(settings, setting, value)
    assert check_settings() == []


def test_a_retention_shorter_than_the_first_history_is_a_warning(settings):
    """The first costs run would pay Cost Explorer for days the next expiry deletes; still allowed."""
    settings.HISTORY_RETENTION_MONTHS, settings.COST_HISTORY_DAYS = 4, 90
    [warning] = check_settings()
    assert (warning.id, warning.is_serious()) == ("costmonitor.W002", False)
    assert warning.msg == (
        "HISTORY_RETENTION_MONTHS must be 0 or at least COST_HISTORY_DAYS / 28 + 1 months (90 days of first-run "
        "history), not 4."
    )
    settings.COST_HISTORY_DAYS = 84
    assert check_settings() == []


def test_the_defaults_pass_every_check(reload_settings, settings):
    """Every checked variable unset, and a Redis broker so the visibility timeout is checked too."""
    unset = dict.fromkeys([*CHECKED, "CELERY_VISIBILITY_TIMEOUT", "CELERY_TASK_TIME_LIMIT"])
    defaults = reload_settings(**unset, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    for name in (*CHECKED, "CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_TASK_TIME_LIMIT"):
        setattr(settings, name, getattr(defaults, name))
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS == {"visibility_timeout": 3600}
    assert check_settings() == []


def test_every_error_is_refused_on_one_line(settings):
    settings.COST_SOURCE = "bogus"
    settings.METRICS_DAILY_DAYS = 0
    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_invalid_settings()
    assert str(refused.value) == (
        "(costmonitor.E001) COST_SOURCE must be auto, aws or demo, not 'bogus'. "
        "(costmonitor.E007) METRICS_DAILY_DAYS must be between 1 and 62, not 0."
    )


def test_a_visibility_timeout_below_the_time_limit_warns_but_is_not_refused(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    settings.CELERY_TASK_TIME_LIMIT = 1200
    (warning,) = check_settings()
    assert (warning.id, warning.is_serious()) == ("costmonitor.W001", False)
    assert warning.msg == "CELERY_VISIBILITY_TIMEOUT must be more than CELERY_TASK_TIME_LIMIT (1200 s), not 600."
    refuse_invalid_settings()


def test_an_unparsable_value_is_refused_at_import_naming_its_variable(reload_settings):
    with pytest.raises(ImproperlyConfigured, match=r"^CONN_MAX_AGE cannot be read: invalid literal for int\(\)"):
        reload_settings(CONN_MAX_AGE="sixty")
