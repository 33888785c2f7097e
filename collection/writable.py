"""A folder costmonitor writes files to: the configured one, else one in the temporary directory."""

import logging
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)


def writable_folder(preferred: Path, *, fallback: str) -> Path:
    """`preferred`, created if missing; where it cannot be, the folder `fallback` of the temporary directory. The
    image runs on a read-only root whose one writable folder is its tmpfs /tmp (docker run --read-only, compose),
    and DATA_DIR, where the defaults point, is on that root unless a volume is mounted there (Helm mounts one)."""
    try:
        preferred.mkdir(parents=True, exist_ok=True)
        return preferred
    except OSError as exc:
        folder = Path(tempfile.gettempdir()) / fallback
        logger.warning("%s cannot be written (%s): using %s", preferred, exc.strerror or exc, folder)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
