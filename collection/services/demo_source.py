"""COST_SOURCE=demo: a synthetic Cost Explorer, Organizations, STS, Compute Optimizer and Budgets behind boto3.

Each fake client answers the same operations as boto3 with AWS-shaped responses (string amounts,
`key$value` tag groups, exclusive `End`, page tokens) and reports every call to the RequestCounter.
"""

import functools
from datetime import datetime

import botocore.session
from botocore import xform_name

from collection.aws import RequestCounter
from collection.services.demo_answers import DemoAnswers


@functools.cache
def _operations(service: str) -> dict[str, str]:
    """boto3 method name → API operation name (get_cost_and_usage → GetCostAndUsage), from botocore's model."""
    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


class DemoClient:
    """One fake client: `client.get_cost_and_usage(**params)` is answered by DemoAnswers and counted."""

    def __init__(self, *, service: str, answers: DemoAnswers, counter: RequestCounter) -> None:
        self._service = service
        self._answers = answers
        self._counter = counter

    def __getattr__(self, method: str):
        operation = _operations(self._service).get(method)
        answer = getattr(self._answers, f"{self._service.replace('-', '_')}_{method}", None)
        if operation is None or answer is None:
            raise AttributeError(f"the demo {self._service} client does not answer {method}")

        def call(**params):
            self._counter.record(service=self._service, operation=operation)
            return answer(**params)

        return call


class DemoClients:
    """The demo counterpart of collection.aws.AwsClients."""

    source = "demo"

    def __init__(self, *, counter: RequestCounter, now: datetime, **bill_options) -> None:
        self.counter = counter
        self.answers = DemoAnswers(now=now, **bill_options)

    def client(self, service: str) -> DemoClient:
        return DemoClient(service=service, answers=self.answers, counter=self.counter)
