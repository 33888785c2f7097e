"""Runs that will never finish on their own (their worker died, a time limit, an interrupted command): closed
`failed`, with what they spent, from their tally in the cache (`collection.spend_tally`)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from collection.errors import ErrorCode
from collection.models import CollectionRun
from collection.services.locks import single_flight
from collection.spend_tally import discard_tally, read_tallies, spend_fields
from costmonitor.masking import mask_text

logger = logging.getLogger(__name__)

OPEN_STATUSES = (CollectionRun.Status.QUEUED, CollectionRun.Status.RUNNING)


def close_open_runs(
    *, runs: QuerySet[CollectionRun], error_code: str, error_message: str, error_detail: str = ""
) -> int:
    """Close the runs of `runs` still queued or running as `failed`; return how many this call closed.

    Each run is closed by one conditional update, so two closers never both close it; its tally becomes its
    `ce_requests`, `ce_cost_usd`, `aws_requests` and `aws_retries`.
    """
    open_runs = list(runs.filter(status__in=OPEN_STATUSES).values_list("pk", "source"))
    tallies = read_tallies(run_ids=[pk for pk, _ in open_runs])
    closed = 0
    for pk, source in open_runs:
        spent = spend_fields(tally=tallies[pk], source=source) if pk in tallies else {}
        closed += CollectionRun.objects.filter(pk=pk, status__in=OPEN_STATUSES).update(
            status=CollectionRun.Status.FAILED,
            finished_at=timezone.now(),
            error_code=error_code[:64],
            error_message=error_message,
            error_detail=mask_text(error_detail),
            **spent,
        )
        discard_tally(run_id=pk)
    return closed


def close_abandoned_runs() -> int:
    """Close `failed` (`Abandoned`) every run left `running` by a holder that is gone; return how many.

    Such a run is older than a lease (COLLECTION_LOCK_TTL: a run takes its kind's lease right after it is
    claimed) while nobody holds its kind's lease, which a live holder keeps renewing: it was killed,
    interrupted or lost its process. The sweep takes that lease itself to know: holding it proves that nobody
    else does and that the cache answers (an unreachable cache would look like an expired lease). A kind whose
    lease is held is left for a later sweep. Called before every run (`run_collection`), so the default
    schedule sweeps at least every half hour.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.COLLECTION_LOCK_TTL)
    stale = CollectionRun.objects.filter(status=CollectionRun.Status.RUNNING, started_at__lt=cutoff)
    closed = 0
    for kind in sorted(set(stale.values_list("kind", flat=True))):
        with single_flight(kind=kind, ttl=settings.COLLECTION_LOCK_TTL) as acquired:
            if not acquired:
                continue
            abandoned = close_open_runs(
                runs=stale.filter(kind=kind),
                error_code=ErrorCode.ABANDONED,
                error_message="The process running this collection stopped without finishing it (killed, "
                "interrupted or lost); what it had spent is counted, nothing it wrote was kept.",
            )
        if abandoned:
            logger.warning("closed %d abandoned %s run(s)", abandoned, kind)
        closed += abandoned
    return closed
