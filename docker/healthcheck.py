"""Container healthcheck of every role: `python docker/healthcheck.py [ROLE]`; exit 0 healthy, 1 unhealthy.

Without ROLE it probes the role docker/entrypoint.sh recorded for this container (costmonitor.heartbeat):
- web: GET /health/ready on the local web port answers 200 (database and broker reachable), without curl;
- worker: the worker answers a Celery ping addressed to its own node name (over the broker, so that is checked too);
- beat: the heartbeat its scheduler loop touches every tick is recent;
- migrate and one-shot commands: nothing to probe (healthy).
The web probe's Host header is the first ALLOWED_HOSTS entry, so Django serves it whatever hosts are configured.
"""

import http.client
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from costmonitor import heartbeat


def probe_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and "*" not in host:
            return host
    return "localhost"


def probe_address() -> str:
    """Where the web role listens: BIND_HOST, or loopback when it binds every interface."""
    host = os.environ.get("BIND_HOST", "")
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # noqa: S104 - compared, not bound


def probe_web() -> str | None:
    connection = http.client.HTTPConnection(probe_address(), int(os.environ.get("PORT", "5000")), timeout=5)
    try:
        connection.request(
            "GET", "/health/ready", headers={"Host": probe_host(), "User-Agent": "costmonitor-healthcheck"}
        )
        response = connection.getresponse()
        status, body = response.status, response.read(2000).decode(errors="replace")
    except OSError as exc:
        return str(exc)
    finally:
        connection.close()
    return None if status == 200 else f"/health/ready answered {status}: {body}"


def probe_worker() -> str | None:
    try:
        node = heartbeat.heartbeat_file(heartbeat.WORKER_NODE).read_text().strip()
    except OSError:
        return "the worker is not ready (no node name recorded)"
    from costmonitor.celery import LOCAL_BROKERS, app

    if app.conf.broker_url.startswith(LOCAL_BROKERS):  # no broadcast there: a ready worker is all one can tell
        return None
    # https://docs.celeryq.dev/en/stable/userguide/workers.html#ping
    try:
        replies = app.control.ping(destination=[node], timeout=5)
    except Exception as exc:  # kombu raises transport-specific errors
        return f"cannot reach the broker: {exc.__class__.__name__}: {exc}"
    return None if any(node in reply for reply in replies) else f"{node} did not answer a ping within 5 s"


def probe_beat() -> str | None:
    age = heartbeat.age_seconds(heartbeat.BEAT, now=time.time())
    if age is None:
        return "beat has not ticked yet (no heartbeat)"
    if age > heartbeat.BEAT_STALE_AFTER_SECONDS:
        return f"beat's last tick was {age:.0f} s ago"
    return None


PROBES = {"web": probe_web, "worker": probe_worker, "beat": probe_beat}


def main(argv: list[str]) -> int:
    role = argv[1] if len(argv) > 1 else heartbeat.read_role()
    if role is None:
        print("unhealthy: no role recorded (docker/entrypoint.sh writes it at start)", file=sys.stderr)
        return 1
    probe = PROBES.get(role)
    problem = probe() if probe else None
    if problem:
        print(f"unhealthy: {role}: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
