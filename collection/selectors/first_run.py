"""Whether the operator's first-run go-ahead is recorded, and so whether scheduled AWS collections are held back."""

from collection.data_source import AWS, source_name
from collection.models import SpendConfirmation


def spend_confirmed() -> bool:
    return SpendConfirmation.objects.exists()


def awaits_confirmation(*, source: str) -> bool:
    """Whether collections from `source` must wait: AWS's, before any go-ahead (the demo source bills nothing)."""
    return source == AWS and not spend_confirmed()


def schedule_paused() -> bool:
    """Whether scheduled collections queued now would be held back: they would read AWS, and no go-ahead is recorded.

    Shown on /health and /metrics, so an installation that never collects because nobody confirmed is told apart
    from one whose collections fail.
    """
    # The recorded go-ahead first (one indexed query): a confirmed installation never walks boto3's credential chain,
    # which may ask the instance metadata service, on every probe and scrape.
    return not spend_confirmed() and source_name() == AWS
