"""Files by which the worker and beat show the container healthcheck (docker/healthcheck.py) that they are alive.

They live in the container's temporary folder (a tmpfs in compose, an emptyDir on Kubernetes; TMPDIR moves it):
`costmonitor-role` (written by docker/entrypoint.sh), `costmonitor-worker-node` (the worker's node name once it is
ready, for a ping of itself) and `beat-heartbeat` (touched at every tick of beat's scheduler loop; the Helm chart's
beat probe reads /tmp/beat-heartbeat).
"""

import contextlib
import os
import tempfile
from pathlib import Path

from celery.signals import worker_ready, worker_shutdown

# beat's DatabaseScheduler ticks at least every 5 s (django_celery_beat's DEFAULT_MAX_INTERVAL): a heartbeat older
# than this means its loop is stuck. https://docs.celeryq.dev/en/stable/userguide/configuration.html#beat-max-loop-interval
BEAT_STALE_AFTER_SECONDS = 60


ROLE = "costmonitor-role"
WORKER_NODE = "costmonitor-worker-node"
BEAT = "beat-heartbeat"


def heartbeat_file(name: str) -> Path:
    return Path(tempfile.gettempdir()) / name


def write(name: str, text: str = "") -> None:
    """Write (and so touch) heartbeat file `name`; an unwritable folder must not stop the process it reports on."""
    with contextlib.suppress(OSError):
        heartbeat_file(name).write_text(text)


@worker_ready.connect
def record_worker_ready(sender, **kwargs) -> None:
    """The node name the healthcheck pings (`celery@<hostname>` unless `--hostname` says otherwise)."""
    write(WORKER_NODE, sender.hostname)


@worker_shutdown.connect
def forget_worker(**kwargs) -> None:
    heartbeat_file(WORKER_NODE).unlink(missing_ok=True)


def read_role() -> str | None:
    try:
        return heartbeat_file(ROLE).read_text().strip() or None
    except OSError:
        return None


def age_seconds(name: str, *, now: float) -> float | None:
    try:
        return now - os.stat(heartbeat_file(name)).st_mtime
    except OSError:
        return None
