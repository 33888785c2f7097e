"""The Celery app for integration workers, plus a gate that can hold a collection in the middle of its writes.

While the file `<COSTMONITOR_TEST_GATE>/hold` exists, a worker that has just written cost rows waits (after
touching `entered-<pid>`), so a test can overlap collections or kill the worker mid-collection.
"""

import os
import time
from pathlib import Path

from celery.signals import task_prerun
from django.db import connection

from costmonitor.celery import app

__all__ = ["app"]

GATE = Path(os.environ["COSTMONITOR_TEST_GATE"])


def hold_after_cost_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql.lstrip().upper().startswith("INSERT") and '"collection_costdata"' in sql:
        (GATE / f"entered-{os.getpid()}").touch()
        deadline = time.monotonic() + 60
        while (GATE / "hold").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    return result


@task_prerun.connect
def install_gate(**kwargs) -> None:
    if hold_after_cost_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(hold_after_cost_writes)
