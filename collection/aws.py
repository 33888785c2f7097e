"""The one place that builds boto3 sessions and clients, and counts every AWS request by operation."""

import logging
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, PartialCredentialsError, ProfileNotFound
from django.conf import settings

from collection.errors import CREDENTIAL_SDK_ERRORS, THROTTLING_CODES, BudgetExceeded, translate_aws_error

logger = logging.getLogger(__name__)

# Every Cost Explorer API request, each page included, is billed USD 0.01.
# https://aws.amazon.com/aws-cost-management/aws-cost-explorer/pricing/
CE_REQUEST_USD = Decimal("0.01")
CE_SERVICE = "ce"


class RequestCounter:
    """AWS requests made by one collection.

    - `by_operation` (the run's `aws_requests`): API calls, keyed "service:Operation" (e.g. "ce:GetCostAndUsage"),
      each page one call, counted as it is made, answered or not;
    - `retries` (`aws_retries`): HTTP answers that asked for a retry (throttling, 5xx) and attempts that got no
      answer at all (network errors), botocore's own retries included;
    - `ce_requests` (`ce_requests`, the billed figure): Cost Explorer HTTP requests, counted as each is sent,
      every attempt of a call included, less those that got no answer: AWS bills every request it answers
      ("Each request will incur a cost of $0.01"), a throttled one too, and never sees one that did not connect.

    - `scanned` (`bytes_scanned`): bytes billed by services priced per byte scanned (Athena), by service, as
      `record_scanned` is told them (each query's bill, rounded as the service rounds it).

    `on_change` is given `tally()` after every change (`collection.spend_tally`), so what a run spent outlives a
    rollback or the death of its process.
    """

    def __init__(self, *, ce_limit: int | None = None, on_change: Callable[[dict], None] | None = None) -> None:
        self.by_operation: Counter[str] = Counter()
        self.retries: Counter[str] = Counter()
        self.scanned: Counter[str] = Counter()
        self.ce_requests = 0
        self.ce_limit = ce_limit  # what CE_MONTHLY_REQUEST_BUDGET leaves; None: no cap
        self.on_change = on_change

    def _send(self, *, service: str, operation: str) -> None:
        """One HTTP request about to go out (or be answered by a stub or the demo source)."""
        if service != CE_SERVICE:
            return
        if self.ce_limit is not None and self.ce_requests >= self.ce_limit:
            # Raised before the request is sent, so the budget is never overspent, not even by one page.
            raise BudgetExceeded(f"stopped before {operation}: this month's CE_MONTHLY_REQUEST_BUDGET is spent")
        self.ce_requests += 1

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self.tally())

    def record(self, *, service: str, operation: str) -> None:
        """One API call, its first request about to be sent."""
        self._send(service=service, operation=operation)
        self.by_operation[f"{service}:{operation}"] += 1
        self._changed()

    def record_scanned(self, *, service: str, billed_bytes: int) -> None:
        """A query of `service` billed for `billed_bytes` scanned."""
        self.scanned[service] += billed_bytes
        self._changed()

    @property
    def ce_cost_usd(self) -> Decimal:
        return self.ce_requests * CE_REQUEST_USD

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.by_operation.items()))

    def retries_dict(self) -> dict[str, int]:
        return dict(sorted(self.retries.items()))

    def tally(self) -> dict:
        return {
            "ce_requests": self.ce_requests,
            "aws_requests": self.as_dict(),
            "aws_retries": self.retries_dict(),
            "bytes_scanned": dict(sorted(self.scanned.items())),
        }

    def hook(self, *, service: str):
        """A botocore `before-call` handler; it fires once per API call (each page), before any stub or send."""

        def on_call(model, **kwargs) -> None:
            self.record(service=service, operation=model.name)

        return on_call

    def attempt_hook(self, *, service: str):
        """A botocore `request-created` handler: it fires before each HTTP attempt; a retry is one more request.

        The first attempt was counted by `before-call` (a Stubber answers there, with no HTTP request at all).
        """

        def on_request(*, request, operation_name: str, **kwargs) -> None:
            if request.context.get("retries", {}).get("attempt", 1) > 1:
                self._send(service=service, operation=operation_name)
                self._changed()

        return on_request

    def retry_hook(self, *, service: str):
        """A botocore `response-received` handler: it fires once per HTTP attempt, botocore's own retries included.

        An answer asking to retry (throttling, 5xx) or an attempt with no answer (a network error) is counted:
        botocore's standard mode or `aws_call` retries it, unless the run gives up on its last one. An attempt
        AWS never answered is not billed.
        https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html
        """

        def on_response(*, event_name: str, parsed_response=None, exception=None, **kwargs) -> None:
            metadata = (parsed_response or {}).get("ResponseMetadata", {})
            code = (parsed_response or {}).get("Error", {}).get("Code")
            unanswered = parsed_response is None and exception is not None
            if unanswered and service == CE_SERVICE:
                self.ce_requests -= 1
            if unanswered or code in THROTTLING_CODES or metadata.get("HTTPStatusCode", 0) >= 500:
                self.retries[f"{service}:{event_name.rsplit('.', 1)[-1]}"] += 1
                self._changed()

        return on_response

    def unsent_hook(self, *, service: str):
        """A botocore `after-call-error` handler: a call that failed to load or sign with credentials (no
        credentials, half a key pair, an expired SSO token) sent nothing, so AWS billed nothing."""

        def on_error(*, exception, **kwargs) -> None:
            if service == CE_SERVICE and type(exception).__name__ in CREDENTIAL_SDK_ERRORS:
                self.ce_requests -= 1
                self._changed()

        return on_error


def client_config() -> Config:
    """Standard retry mode with an explicit attempt cap, and connect/read timeouts from API_TIMEOUT.

    https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html#standard-retry-mode
    """
    return Config(
        retries={"mode": "standard", "total_max_attempts": settings.AWS_MAX_ATTEMPTS},
        connect_timeout=settings.API_TIMEOUT,
        read_timeout=settings.API_TIMEOUT,
    )


def build_session() -> boto3.Session:
    """A session on the standard credential chain; with AWS_ROLE_ARN, one on that role's temporary credentials.

    AWS_PROFILE, AWS_ENDPOINT_URL and the rest of the standard environment are read by boto3 itself.
    """
    session = boto3.Session(region_name=settings.AWS_REGION)
    if not settings.AWS_ROLE_ARN:
        return session
    params = {"RoleArn": settings.AWS_ROLE_ARN, "RoleSessionName": "costmonitor"}
    if settings.AWS_EXTERNAL_ID:
        params["ExternalId"] = settings.AWS_EXTERNAL_ID
    credentials = session.client("sts", config=client_config()).assume_role(**params)["Credentials"]
    logger.info("assumed role %s for collection", settings.AWS_ROLE_ARN)
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=settings.AWS_REGION,
    )


def has_credentials() -> bool:
    """Whether boto3's credential chain finds anything (env, profile, instance role…) or a role is configured.

    A profile that does not exist, or half a key pair, counts: the operator meant AWS, and the run's error (not a
    silent demo bill) says what to fix.
    """
    try:
        return bool(settings.AWS_ROLE_ARN) or boto3.Session().get_credentials() is not None
    except (ProfileNotFound, PartialCredentialsError):
        return True


class AwsClients:
    """boto3 clients of one session, all reporting their calls to one RequestCounter."""

    source = "aws"

    def __init__(self, *, counter: RequestCounter, session: boto3.Session | None = None) -> None:
        self.counter = counter
        self._session = session
        self._clients: dict[str, object] = {}

    def session(self) -> boto3.Session:
        """The session every client is built from: a reader outside boto3 (DuckDB's S3 secret) needs its credentials."""
        try:
            self._session = self._session or build_session()
        except (BotoCoreError, ClientError) as exc:  # a missing profile, a refused AssumeRole
            raise translate_aws_error(exc, operation="opening the AWS session") from exc
        return self._session

    def client(self, service: str):
        if service not in self._clients:
            session = self.session()
            try:
                client = session.client(service, config=client_config())
            except BotoCoreError as exc:  # no region, an unknown service
                raise translate_aws_error(exc, operation="opening the AWS session") from exc
            # register_first: count before a Stubber or moto answers the call.
            client.meta.events.register_first("before-call.*.*", self.counter.hook(service=service))
            client.meta.events.register("request-created.*.*", self.counter.attempt_hook(service=service))
            client.meta.events.register("response-received.*.*", self.counter.retry_hook(service=service))
            client.meta.events.register("after-call-error.*.*", self.counter.unsent_hook(service=service))
            self._clients[service] = client
        return self._clients[service]


def caller_account() -> str:
    """The AWS account the configured credentials (or AWS_ROLE_ARN) act in: STS GetCallerIdentity, which needs no
    permission and costs nothing. https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html

    AWSAPIError (its message says what to set) when the credentials are missing or refused.
    """
    try:
        return build_session().client("sts", config=client_config()).get_caller_identity()["Account"]
    except (BotoCoreError, ClientError) as exc:
        raise translate_aws_error(exc, operation="sts:GetCallerIdentity") from exc
