"""The collector's errors and their codes, AWS error translation, and the one costmonitor retry layer of AWS calls."""

import logging
import time
from collections.abc import Callable
from enum import StrEnum

from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, ReadTimeoutError
from django.conf import settings

logger = logging.getLogger(__name__)

# The one list of "slow down" codes: Cost Explorer (LimitExceededException), Organizations, Compute Optimizer, STS.
# botocore's standard retry mode retries each of them too. 5xx and network errors are retryable as well.
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html#API_GetCostAndUsage_Errors
# https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html#standard-retry-mode
THROTTLING_CODES = frozenset(
    {"LimitExceededException", "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"}
)

# The worst case of HTTP attempts for one AWS call. botocore's standard mode makes up to AWS_MAX_ATTEMPTS; when
# they all fail retryably, `aws_call` pauses and lets botocore try again, in as many rounds as keep the total
# within this (2 rounds of 5 by default). Celery then retries only a whole run that ended throttled.
MAX_HTTP_ATTEMPTS_PER_CALL = 10
ROUND_PAUSE_SECONDS = 5  # before round n + 1: 5 s · 2^(n - 1), times AWS_RETRY_DELAY_SCALE


class ErrorCode(StrEnum):
    """The codes costmonitor itself records in `CollectionRun.error_code`; AWS's own codes are recorded as AWS
    spells them (`THROTTLING_CODES`, `AccessDeniedException`, …)."""

    COLLECTOR_ERROR = "CollectorError"
    AWS_API_ERROR = "AWSAPIError"
    BUDGET_EXCEEDED = "CEBudgetExceeded"
    DATA_VALIDATION = "DataValidationError"
    MALFORMED_RESPONSE = "MalformedResponse"
    EMPTY_RESPONSE = "EmptyResponse"
    REQUEST_CHANGED = "RequestChangedException"  # AWS's code, recorded once every restart of a query met it again
    ALREADY_RUNNING = "AlreadyRunning"
    SPEND_NOT_CONFIRMED = "SpendNotConfirmed"
    DATABASE_UNAVAILABLE = "DatabaseUnavailable"
    INTERNAL_ERROR = "InternalError"
    WORKER_LOST = "WorkerLost"
    BROKER_UNAVAILABLE = "BrokerUnavailable"
    PAGINATION_LOOP = "PaginationLoop"
    TOO_MANY_PAGES = "TooManyPages"
    ABANDONED = "Abandoned"


# Where an operator learns which credentials and permissions costmonitor needs (README "Connect your AWS account").
IAM_POLICY = "deploy/iam-policy.json"
SET_CREDENTIALS = (
    "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN (a role in the payer/management "
    f"account), with the IAM policy {IAM_POLICY} (README: Connect your AWS account)"
)
MISSING_CREDENTIALS = f"no usable AWS credentials: {SET_CREDENTIALS}."
REFUSED_CREDENTIALS = f"AWS refused the credentials (invalid or expired): {SET_CREDENTIALS}."
MISSING_PERMISSION = (
    f"AWS refused the call: the credentials lack the IAM permission for it; give them the IAM policy {IAM_POLICY} "
    "in the payer/management account, or set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_ROLE_ARN "
    "to credentials that have it (README: Connect your AWS account)."
)

# botocore's failures to find or load credentials (no request was sent), by exception class.
# https://botocore.amazonaws.com/v1/documentation/api/latest/reference/exceptions.html
CREDENTIAL_SDK_ERRORS = frozenset(
    {
        "NoCredentialsError",
        "PartialCredentialsError",
        "ProfileNotFound",
        "CredentialRetrievalError",
        "TokenRetrievalError",
        "SSOTokenLoadError",
        "UnauthorizedSSOTokenError",
    }
)
# AWS's answers to credentials it does not accept (the common errors of every API we call:
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/CommonErrors.html, STS's ExpiredToken).
REFUSED_CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "AuthFailure",
    }
)
# ... and to calls the credentials have no permission for (Query APIs answer AccessDenied, JSON ones
# AccessDeniedException, EC2-style ones UnauthorizedOperation).
PERMISSION_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})

# What an operator reads in the run record for each AWS error that ends a collection.
MESSAGES = {
    "DataUnavailableException": "Cost Explorer has no data for this window yet (new account, or Cost Explorer "
    "enabled less than 24 hours ago).",
    "BillExpirationException": "The window reaches beyond the bills Cost Explorer still keeps.",
    "RequestChangedException": "Cost Explorer data changed during pagination, again after every restart.",
    "LimitExceededException": "Cost Explorer kept throttling after every retry.",
    "OptInRequiredException": "Compute Optimizer is not enabled for this account (opt in from its console).",
    **dict.fromkeys(REFUSED_CREDENTIAL_CODES, REFUSED_CREDENTIALS),
    **dict.fromkeys(PERMISSION_CODES, MISSING_PERMISSION),
}

# The same for botocore's own failures (no AWS answer), by exception class.
# https://botocore.amazonaws.com/v1/documentation/api/latest/reference/exceptions.html
SDK_MESSAGES = {
    "EndpointConnectionError": "AWS could not be reached (network error).",
    "ConnectTimeoutError": "AWS could not be reached in time (API_TIMEOUT).",
    "ReadTimeoutError": "AWS did not answer in time (API_TIMEOUT).",
    "ProxyConnectionError": "The HTTPS proxy could not be reached.",
    **dict.fromkeys(CREDENTIAL_SDK_ERRORS, MISSING_CREDENTIALS),
}


class AWSCostCollectorError(Exception):
    """Base of every collection error; `code` is what the run records as its error_code.

    Its message is for every reader of the run (the API shows it to any user); `detail`, the underlying
    exception's own text (endpoint URLs, hosts), only for staff (`CollectionRun.error_detail`).
    """

    code: str = ErrorCode.COLLECTOR_ERROR

    def __init__(self, message: str, *, code: str | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.code = code or self.code
        self.detail = detail


class AWSAPIError(AWSCostCollectorError):
    code = ErrorCode.AWS_API_ERROR

    def __init__(self, message: str, *, code: str | None = None, retryable: bool = False, detail: str = "") -> None:
        super().__init__(message, code=code, detail=detail)
        self.retryable = retryable


class BudgetExceeded(AWSCostCollectorError):
    """A collection would spend more Cost Explorer requests than CE_MONTHLY_REQUEST_BUDGET leaves."""

    code = ErrorCode.BUDGET_EXCEEDED


class DataValidationError(AWSCostCollectorError):
    code = ErrorCode.DATA_VALIDATION


class PaginationError(AWSCostCollectorError):
    """A query whose pages would never end (a repeated token) or exceed CE_MAX_PAGES_PER_QUERY: every page is
    billed, so the run stops instead of following it. Not an AWSAPIError: no collector may degrade on it."""


def translate_aws_error(exc: Exception, *, operation: str) -> AWSAPIError:
    """An AWSAPIError with the AWS error code, a readable message and whether a retry can help."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "ClientError")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        detail = exc.response.get("Error", {}).get("Message", "")
        message = f"{operation}: {MESSAGES.get(code, detail or code)}"
        return AWSAPIError(message, code=code, retryable=code in THROTTLING_CODES or status >= 500, detail=detail)
    transient = isinstance(exc, ConnectionError | ReadTimeoutError)
    # botocore's own text names the endpoint URL and proxy it tried: the run's detail, for staff only.
    message = f"{operation}: {SDK_MESSAGES.get(type(exc).__name__, 'the AWS SDK failed before AWS answered.')}"
    return AWSAPIError(message, code=type(exc).__name__, retryable=transient, detail=str(exc))


def retry_rounds() -> int:
    """How many times `aws_call` lets botocore try a call: its attempts times this stay within the worst case."""
    return max(1, MAX_HTTP_ATTEMPTS_PER_CALL // settings.AWS_MAX_ATTEMPTS)


def aws_call(call: Callable, *, operation: str, **params):
    """Call one AWS operation, turning botocore failures into AWSAPIError.

    A retryable failure that outlived botocore's own attempts (throttling, 5xx, network) is tried again after a
    pause, in `retry_rounds()` rounds; validation and permission errors propagate at once.
    """
    rounds, round_number = retry_rounds(), 1
    while True:
        try:
            return call(**params)
        except (ClientError, BotoCoreError) as exc:
            error = translate_aws_error(exc, operation=operation)
            if not error.retryable or round_number >= rounds:
                raise error from exc
        pause = ROUND_PAUSE_SECONDS * 2 ** (round_number - 1) * settings.AWS_RETRY_DELAY_SCALE
        logger.warning(
            "%s: %s outlived botocore's retries; round %d of %d in %.1f s",
            operation,
            error.code,
            round_number + 1,
            rounds,
            pause,
        )
        time.sleep(pause)
        round_number += 1
