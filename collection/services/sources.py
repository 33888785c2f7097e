"""Open the source a run was queued for: real AWS, or the demo source (see collection.data_source)."""

import logging
from datetime import datetime

from collection.aws import AwsClients, RequestCounter
from collection.data_source import DEMO
from collection.services.demo_source import DemoClients

logger = logging.getLogger(__name__)


def open_source(*, source: str, counter: RequestCounter, now: datetime) -> AwsClients | DemoClients:
    """The clients of `source` ("aws" or "demo"), resolved once when the run was recorded, so that the run's
    `source` and what it reads never differ."""
    if source == DEMO:
        logger.warning("COST_SOURCE is demo: collecting SYNTHETIC demo data, not your AWS bill")
        return DemoClients(counter=counter, now=now)
    return AwsClients(counter=counter)
