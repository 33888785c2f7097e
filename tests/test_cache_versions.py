"""Dataset versions invalidate cached reads when a collection finishes."""

import pytest

from collection.cache_versions import bump_dataset_versions, dataset_version


def test_bump_changes_the_version_of_that_dataset_only():
    costs, tags = dataset_version(dataset="costs"), dataset_version(dataset="tags")
    bump_dataset_versions(datasets=["costs"])
    assert dataset_version(dataset="costs") != costs
    assert dataset_version(dataset="tags") == tags


def test_bump_without_a_prior_read_still_changes_the_version():
    bump_dataset_versions(datasets=["forecast"])
    assert dataset_version(dataset="forecast") > 1


def test_unknown_dataset_is_an_error():
    with pytest.raises(ValueError, match="dataset"):
        dataset_version(dataset="nope")


def test_an_unreachable_cache_answers_version_0(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    assert dataset_version(dataset="costs") == 0
