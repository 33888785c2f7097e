"""Helpers for tests that run the project's programs as real processes (manage.py, the entrypoint, celery)."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `args` in the repository root to completion, capturing text output."""
    return subprocess.run(  # noqa: S603 - the tests' own commands
        args, cwd=ROOT, env=env or dict(os.environ), capture_output=True, text=True, timeout=timeout, check=False
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], Any], *, timeout: float = 30, what: str = "condition") -> Any:
    """Poll `check` until it returns something truthy and return that; a connection error counts as not yet.

    Raises AssertionError after `timeout` seconds (callers that started a process attach its output).
    """
    deadline, result = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last result {result!r})")


def start(args: list[str], *, env: dict[str, str], log: Path, new_session: bool = False) -> subprocess.Popen:
    """Start `args` in the background in the repository root, stdout and stderr into `log`.

    `new_session`: in a process group of its own (its id is the process's), so that `stop_group` ends its children.
    """
    with log.open("w") as out:
        return subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=new_session
        )


def group_alive(process: subprocess.Popen) -> bool:
    """Whether any process of `process`'s group (started with `new_session`) is still running."""
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_group(process: subprocess.Popen) -> None:
    """SIGKILL whatever is left of `process`'s group (started with `new_session`), and reap `process`."""
    if group_alive(process):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=20)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, as `docker stop` sends, then SIGKILL if it does not exit in time."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def http_status(url: str, **headers: str) -> int:
    """The status of GET `url` (an error status too); 0 while nothing answers."""
    if not url.startswith("http://"):
        raise ValueError(f"not a plain http URL: {url}")
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - checked above
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - checked above
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0
