"""The first real-AWS run: the recorded go-ahead without which scheduled collections never spend.

The go-ahead is a database row (`SpendConfirmation`), not a setting: every worker and beat of an installation reads
the same database, however they were started (`make run`, compose, Helm), so none can spend on a fresh install
before an operator saw the estimate, and none needs an environment variable kept equal across processes.
"""

from collection.models import SpendConfirmation

CONFIRM_COMMAND = "manage.py confirm_first_run"
NOT_CONFIRMED = (
    "not collected: scheduled Cost Explorer collections wait for the operator's go-ahead on a new installation; "
    f"see the estimate and confirm with `{CONFIRM_COMMAND}` (README: Connect your AWS account)"
)


def confirm_spend(*, by: str, estimated_requests: int) -> SpendConfirmation:
    return SpendConfirmation.objects.create(confirmed_by=by[:150], estimated_requests=estimated_requests)
