"""Where collections read the bill from: COST_SOURCE resolved to "aws" or "demo" (the synthetic bill)."""

from django.conf import settings

from collection.aws import has_credentials

AWS, DEMO = "aws", "demo"
SOURCES = (AWS, DEMO)


def source_name() -> str:
    """ "aws" or "demo", as COST_SOURCE resolves now (auto: aws when boto3 finds credentials)."""
    if settings.COST_SOURCE == "auto":
        return AWS if has_credentials() else DEMO
    return settings.COST_SOURCE
