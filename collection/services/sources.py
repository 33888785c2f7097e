"""COST_SOURCE: real AWS, or the demo source when asked for or (auto) when boto3 finds no credentials."""

import logging
from datetime import datetime

from django.conf import settings

from collection.aws import AwsClients, RequestCounter, has_credentials
from collection.services.demo_source import DemoClients

logger = logging.getLogger(__name__)


def source_name() -> str:
    """ "aws" or "demo", as COST_SOURCE resolves now."""
    if settings.COST_SOURCE == "auto":
        return "aws" if has_credentials() else "demo"
    return settings.COST_SOURCE


def open_source(*, counter: RequestCounter, now: datetime) -> AwsClients | DemoClients:
    if source_name() == "demo":
        logger.warning("COST_SOURCE is demo: collecting SYNTHETIC demo data, not your AWS bill")
        return DemoClients(counter=counter, now=now)
    return AwsClients(counter=counter)
