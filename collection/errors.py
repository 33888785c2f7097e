"""The design's collector errors, AWS error translation, and retry_on_failure for retryable failures only."""

import functools
import logging
import time
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, ReadTimeoutError
from django.conf import settings

logger = logging.getLogger(__name__)

# Throttling codes of Cost Explorer, Organizations and Compute Optimizer; 5xx is retryable too.
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html#API_GetCostAndUsage_Errors
THROTTLING = {"LimitExceededException", "ThrottlingException", "TooManyRequestsException", "Throttling"}

# What an operator reads in the run record for each AWS error that ends a collection.
MESSAGES = {
    "DataUnavailableException": "Cost Explorer has no data for this window yet (new account, or Cost Explorer "
    "enabled less than 24 hours ago).",
    "BillExpirationException": "The window reaches beyond the bills Cost Explorer still keeps.",
    "RequestChangedException": "Cost Explorer data changed during pagination, again after every restart.",
    "AccessDenied": "AWS refused the call: the credentials lack the IAM permission for it.",
    "AccessDeniedException": "AWS refused the call: the credentials lack the IAM permission for it.",
    "LimitExceededException": "Cost Explorer kept throttling after every retry.",
    "OptInRequiredException": "Compute Optimizer is not enabled for this account (opt in from its console).",
}


class AWSCostCollectorError(Exception):
    """Base of every collection error; `code` is what the run records as its error_code."""

    code = "CollectorError"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code or self.code


class AWSAPIError(AWSCostCollectorError):
    code = "AWSAPIError"

    def __init__(self, message: str, *, code: str | None = None, retryable: bool = False) -> None:
        super().__init__(message, code=code)
        self.retryable = retryable


class BudgetExceeded(AWSCostCollectorError):
    """A collection would spend more Cost Explorer requests than CE_MONTHLY_REQUEST_BUDGET leaves."""

    code = "CEBudgetExceeded"


class CacheError(AWSCostCollectorError):
    code = "CacheError"


class DataValidationError(AWSCostCollectorError):
    code = "DataValidationError"


def translate_aws_error(exc: Exception, *, operation: str) -> AWSAPIError:
    """An AWSAPIError with the AWS error code, a readable message and whether a retry can help."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "ClientError")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        detail = exc.response.get("Error", {}).get("Message", "")
        message = f"{operation}: {MESSAGES.get(code, detail or code)}"
        return AWSAPIError(message, code=code, retryable=code in THROTTLING or status >= 500)
    transient = isinstance(exc, ConnectionError | ReadTimeoutError)
    return AWSAPIError(f"{operation}: {exc}", code=type(exc).__name__, retryable=transient)


def aws_call(call: Callable, *, operation: str, **params):
    """Call one AWS operation, turning botocore failures into AWSAPIError."""
    try:
        return call(**params)
    except (ClientError, BotoCoreError) as exc:
        raise translate_aws_error(exc, operation=operation) from exc


def retry_on_failure(max_retries: int = 3, delay: float | None = 1, backoff: float = 2):
    """Retry a call up to `max_retries` attempts on retryable AWSAPIError only, sleeping delay·backoff^n.

    Delays are scaled by settings.AWS_RETRY_DELAY_SCALE (0 in tests); validation and permission errors
    propagate at once.
    """

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            attempt = 1
            while True:
                try:
                    return func(*args, **kwargs)
                except AWSAPIError as exc:
                    if not exc.retryable or attempt >= max_retries:
                        raise
                    pause = (delay or 0) * backoff ** (attempt - 1) * settings.AWS_RETRY_DELAY_SCALE
                    logger.warning("retrying after %s (attempt %d/%d, %.1fs)", exc.code, attempt, max_retries, pause)
                    time.sleep(pause)
                    attempt += 1

        return wrapper

    return decorator
