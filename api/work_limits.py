"""Bounds on the work one API request may cause: limits on its statements, and slots for uncached work.

An uncached answer or an export takes one of API_MAX_CONCURRENT_QUERIES slots of its process (`expensive_work`)
and, when none is free, is refused at once (503 `SERVER_BUSY`) rather than queued: a gunicorn worker's other
threads stay free for `/health` and cached answers, and the CPU heavy work may take (in the database, one process
per slot; in the worker, an export's formatting) stays bounded by the number of workers.
"""

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions, status

from api.throttling import UserRateThrottle
from costmonitor.statement_limits import statement_limits

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 1


class QueryTimeout(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "query_timeout"

    def __init__(self) -> None:
        super().__init__(
            f"The query ran longer than API_STATEMENT_TIMEOUT_MS ({settings.API_STATEMENT_TIMEOUT_MS} ms) and was "
            "stopped. Ask for a shorter window or fewer groups; export a long window month by month."
        )


class ServerBusy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "server_busy"
    default_detail = "Every slot for uncached answers and exports is taken; retry in a second."
    wait = RETRY_AFTER_SECONDS  # DRF's exception handler sends it as Retry-After
    details = {"retry_after": RETRY_AFTER_SECONDS}


class StatementLimitsMiddleware:
    """Runs every /api/ request with API_STATEMENT_TIMEOUT_MS on each database statement, and at most
    API_DB_PARALLEL_WORKERS PostgreSQL workers besides its own: the slots then bound the database's CPU too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limits = {
            "milliseconds": settings.API_STATEMENT_TIMEOUT_MS,
            "parallel_workers": settings.API_DB_PARALLEL_WORKERS,
        }
        with statement_limits(**limits):
            return self.get_response(request)


@functools.cache
def _slots(size: int) -> threading.BoundedSemaphore:
    """The process's slots, one semaphore per size (a changed setting, in tests, gets its own)."""
    return threading.BoundedSemaphore(size)


class Slot:
    """One of this process's API_MAX_CONCURRENT_QUERIES slots, held until `release` (which may be called again)."""

    def __init__(self) -> None:
        self._semaphore = _slots(settings.API_MAX_CONCURRENT_QUERIES)
        if not self._semaphore.acquire(blocking=False):
            raise ServerBusy()
        self._lock, self._held = threading.Lock(), True

    def release(self) -> None:
        with self._lock:
            if self._held:
                self._held = False
                self._semaphore.release()


def take_slot(request) -> Slot:
    """A slot for an uncached answer or an export of `request`, which is counted API_UNCACHED_REQUEST_COST
    requests against the throttle; ServerBusy (503) when none is free, Throttled (429) over the rate."""
    slot = Slot()
    try:
        UserRateThrottle().charge(request, requests=settings.API_UNCACHED_REQUEST_COST - 1)
    except BaseException:
        slot.release()
        raise
    return slot


@contextmanager
def expensive_work(request) -> Iterator[None]:
    """Hold a slot (`take_slot`) for the block: an answer computed from the database."""
    slot = take_slot(request)
    try:
        yield
    finally:
        slot.release()
