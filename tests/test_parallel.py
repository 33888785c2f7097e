"""Each pytest-xdist worker's own Redis databases and data directory (tests/parallel.py)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.parallel import worker_environment

CI = {
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    "COSTMONITOR_DATA_DIR": "/srv/data",
}


def test_worker_zero_keeps_the_redis_databases_and_gets_a_data_folder():
    assert worker_environment(CI, worker=0) == {**CI, "COSTMONITOR_DATA_DIR": "/srv/data/gw0"}


def test_each_worker_moves_up_by_the_span_of_the_databases_it_was_given():
    assert worker_environment(CI, worker=3) == {
        "REDIS_URL": "redis://127.0.0.1:6379/6",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7",
        "COSTMONITOR_DATA_DIR": "/srv/data/gw3",
    }
    spread = {"REDIS_URL": "redis://:secret@cache:6380/2", "CELERY_BROKER_URL": "rediss://broker/4?ssl_cert_reqs=none"}
    assert worker_environment(spread, worker=1) == {
        "REDIS_URL": "redis://:secret@cache:6380/5",
        "CELERY_BROKER_URL": "rediss://broker/7?ssl_cert_reqs=none",
    }


def test_a_url_without_a_database_is_database_zero_and_other_brokers_stay():
    same = {"REDIS_URL": "redis://127.0.0.1:6379", "CELERY_BROKER_URL": "filesystem://"}
    assert worker_environment(same, worker=2) == {"REDIS_URL": "redis://127.0.0.1:6379/2"}
    assert worker_environment({}, worker=2) == {}


def test_past_the_sixteenth_database_it_says_to_run_fewer_workers():
    with pytest.raises(pytest.UsageError, match=r"REDIS_URL=.*/0: worker 8 would need Redis database 16"):
        worker_environment(CI, worker=8)


def test_the_settings_are_loaded_from_the_changed_environment():
    """The change happens before pytest-django loads the settings, so they and started processes agree."""
    assert Path(os.environ["COSTMONITOR_DATA_DIR"]) == settings.DATA_DIR
    if os.environ.get("PYTEST_XDIST_WORKER"):
        assert settings.DATA_DIR.name == os.environ["PYTEST_XDIST_WORKER"]
    assert settings.CACHES["default"]["LOCATION"] == os.environ.get("REDIS_URL", str(settings.DATA_DIR / "cache"))
