"""FOCUS 1.2 RegionName of an AWS region code (RegionId): its display name as botocore's endpoint data gives it.

RegionName MUST NOT be null when RegionId is not (FOCUS_Spec v1.2 specification/columns/regionname.md); a code
botocore does not describe (Cost Explorer's "global", a region newer than the installed botocore) is named by itself.
https://github.com/boto/botocore/blob/develop/botocore/data/endpoints.json
"""

import functools

import botocore.loaders


@functools.cache
def _names() -> dict[str, str]:
    endpoints = botocore.loaders.Loader().load_data("endpoints")
    return {
        code: region.get("description") or code
        for partition in endpoints["partitions"]
        for code, region in partition["regions"].items()
    }


def region_name(region_id: str) -> str:
    """The display name of `region_id` ("eu-west-1": "Europe (Ireland)"), else `region_id` itself."""
    return _names().get(region_id, region_id)
