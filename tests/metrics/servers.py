"""Start costmonitor and Prometheus as real processes on free loopback ports, for end-to-end tests."""

import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

from django.conf import settings

from tests.processes import ROOT, wait_until


def server_env(**extra: str) -> dict[str, str]:
    """The environment of a costmonitor process that shares this test's (committed) database and cache."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "0", **extra}


def get(url: str, token: str = "") -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback test servers
        return response.read()


def status(url: str, token: str = "") -> int:
    """The HTTP status a server answers at `url` (connection errors raise OSError)."""
    try:
        get(url, token)
    except urllib.error.HTTPError as error:
        return error.code
    return 200


@contextmanager
def process(args: list[str], env: dict[str, str], ready_url: str):
    # Output goes to a file, not a pipe: nobody reads a pipe while the test runs, and a server that
    # logs every request would block once the pipe's buffer is full.
    with tempfile.TemporaryFile() as output:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            # A minute, as for the tests' Celery workers: make test's workers share the CPUs with what they start.
            wait_until(lambda: proc.poll() is None and status(ready_url), timeout=60, what=f"{ready_url} to answer")
            yield proc
        except AssertionError:
            proc.kill()
            proc.wait(timeout=10)
            output.seek(0)
            raise AssertionError(output.read().decode(errors="replace")[-3000:]) from None
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def prometheus_query(base: str, query: str) -> list[dict]:
    body = json.loads(get(f"{base}/api/v1/query?{urllib.parse.urlencode({'query': query})}"))
    assert body["status"] == "success", body
    return body["data"]["result"]
